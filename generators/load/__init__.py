"""Reading data/: snapshots parsed and validated, the entity registry, the seals, the narrative checked against the data."""
