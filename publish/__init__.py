"""Tables and indexes the build stage derives for publishing: search, compliance, boilerplate.

Each module rebuilds its tables from scratch from what the earlier stages stored, so a build is
repeatable; none of them is read by crawl, extract or classify. Datasette's side of publishing
(metadata, plugin, templates) lives in the repository's `publish/` folder.
"""
