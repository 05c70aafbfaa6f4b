"""Generated data, all of it fictional: what the tests, the demo and the benchmarks run on.

- `sample_corpus`: builds sample_corpus/registry and sites from sample_corpus/sources (the demo's corpus).
- `corpus`: a synthetic corpus of any size in the same layout (benchmarks, kill-and-resume tests).
- `replica`: the local replica of the registries and company sites that serves such a corpus
  (tests, benchmarks and `msa demo`).
- `crawler_fixtures`: the crawler tests' small corpus (tests/files/crawler).
- `publish_db`: the publishing tests' database, written through the schema.
- `bench_db`: the serving benchmark's large database.

What they share: `corpus_layout` (registry hosts, URL shapes, corpus paths, the CSV headers and
writers) and `documents` (minimal PDFs and bare HTML pages written without a library).

Registry files are written with the crawler's own column lists and summaries with
`classify.summarise_statement`, so generated data cannot drift from what the stages read and write.
May import crawler, db, classify and msa's stage runners; of this package msa imports only `replica`.
"""
