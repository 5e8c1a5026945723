"""The analyst's tools beside the build: `weekly new`'s scaffold and `weekly synth`'s sample archives."""
