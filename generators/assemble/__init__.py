"""Assembling the site: sequencing the stages, the per-issue page cache, the search index."""
