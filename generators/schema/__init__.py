"""What a snapshot is: the issue file's fields, the declared datasets (datasets.yaml) and the domain model."""
