"""The registry spiders, one per file: `uk_registry` and `au_register`. They parse and yield; storage is
in crawler/pipelines.py."""
