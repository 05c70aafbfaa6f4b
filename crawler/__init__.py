"""The crawler: a Scrapy project that reads the UK and AU registries and fetches statement documents.

Owns the spiders (crawler/spiders/), the registry CSV parsers (uk_csv, au_csv: pure functions), the
pipeline that writes to the database, the replica registry server for tests and demos, and `run.crawl`,
the entry point the CLI calls. May import db/ and nothing else of ours.
"""
