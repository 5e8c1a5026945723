"""Sequencing the stages, the per-issue page cache, and the site's search index."""
