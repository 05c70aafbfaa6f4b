"""The crawler: a Scrapy project that reads the UK and AU registries and fetches statement documents.

Owns the spiders (crawler/spiders/, with what they share in registry_spider), the registry CSV parsers
(uk_csv, au_csv: pure functions), landing-page link finding (landing), what earlier crawls left for
re-crawls and resumes (stored, registry_copies), retries with backoff (retry), the pipeline that writes
to the database, and `run.run`, the crawl stage (the stage contract: `run(db, data_dir, options)`).
May import db/ and vocabulary/ and nothing else of ours.
"""
