"""算力周跟踪 archive generator.

The package reads top to bottom as the data flows:
``schema`` (what a snapshot holds) → ``load`` (files → validated model) → ``model`` →
``compute`` (history across issues) → ``charts`` (figures) → ``render`` (Markdown) →
``pipeline`` (sequences the stages). ``mkdocs_plugin`` and ``cli`` are thin layers on top.
"""
