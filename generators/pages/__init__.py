"""The Markdown of every generated page: issues, entities, the browse pages and the data page."""
