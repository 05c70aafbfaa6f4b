"""`msa demo`: the whole pipeline on the sample corpus, against a local replica.

The replica of both registries and of the companies' sites runs on
127.0.0.1 for as long as the demo does, so the links Datasette shows to
registry pages and documents keep working while it serves.
"""

from __future__ import annotations

from pathlib import Path

from crawler.run import CrawlOptions
from msa.paths import SAMPLE_CORPUS, db_path
from msa.pipeline import run_pipeline
from msa.serve import serve as run_serve
from synthetic.replica import Replica

# Politeness exists for real servers; the replica is ours and local.
# Scrapy's own INFO log (and its stats dump) would bury the demo's stage lines; the crawler's
# progress line and report still print.
REPLICA_CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "ROBOTSTXT_OBEY": "True",
    "LOG_LEVEL": "WARNING",
    "MSA_PROGRESS_SECONDS": "2",
}
# Fixed ports keep the stored URLs the same from one demo run to the next, so a re-run finds the
# statements unchanged instead of moved.
DEMO_PORT_BASE = 18730


def run_demo(
    data_dir: Path,
    *,
    serve: bool = True,
    port: int = 8001,
    show_progress: bool = True,
    corpus: Path = SAMPLE_CORPUS,
    port_base: int | None = DEMO_PORT_BASE,
) -> Path:
    """Run every stage on the sample corpus; serve Datasette unless told not to. Returns the db path."""
    with Replica(corpus, port_base=port_base) as replica:
        print(f"Replica registries on 127.0.0.1: {', '.join(replica.settings.values())}", flush=True)
        settings = {**REPLICA_CRAWL_SETTINGS, **replica.settings}
        crawl = CrawlOptions(spiders=("uk_registry", "au_register"), settings=settings)
        for line in run_pipeline(data_dir, crawl, show_progress=show_progress):
            print(line, flush=True)
        path = db_path(data_dir).resolve()
        print(f"Database: {path}", flush=True)
        if serve:
            run_serve(path, port=port)
    return path
