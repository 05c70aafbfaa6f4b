"""Scrapy settings for msa: who the crawler is, how polite it is, when it gives up, where it writes.

The MSA_* settings can be overridden by environment variables of the same name (and, above those,
by `scrapy crawl -s` or `crawler.run.CrawlOptions(settings=...)`).
"""

import os

from crawler.options import default_years

BOT_NAME = "msa"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "msa/0.1 (+https://github.com/msa-project/msa; modern slavery statement research)"
ROBOTSTXT_OBEY = True
DEFAULT_REQUEST_HEADERS = {
    "Accept": "application/pdf,text/html;q=0.9,text/csv;q=0.9,*/*;q=0.5",
    "Accept-Language": "en",
}

# Politeness: a couple of requests per host at a time, slowed further by the server's own latency.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# When to give up: a statement link that does not answer is a fact to record, not a reason to wait.
# Retries back off (crawler/retry.py): 1 s, 2 s, ... or the server's Retry-After, at most 60 s.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"  # the failure is recorded with its reason; no need to shout
MSA_RETRY_BACKOFF_BASE = 1.0
MSA_RETRY_BACKOFF_MAX = 60.0
DOWNLOAD_TIMEOUT = 120
DNS_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True
# Documents may redirect (a moved file, a CMS short link); a loop ends after this many hops.
REDIRECT_ENABLED = True
REDIRECT_MAX_TIMES = 10
CLOSESPIDER_ERRORCOUNT = 100

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
}
EXTENSIONS = {"crawler.quiet_logs.QuietRobotsErrors": 0}
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
# No consoles into a running crawl: the telnet console and Scrapy's remote-control server (which runs
# Python sent to it and writes job files to the home directory) stay off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# msa's own settings.
MSA_UK_DOWNLOADS_URL = os.environ.get(
    "MSA_UK_DOWNLOADS_URL", "https://downloads.modern-slavery-statement-registry.service.gov.uk"
)
MSA_UK_REGISTRY_URL = os.environ.get(
    "MSA_UK_REGISTRY_URL", "https://modern-slavery-statement-registry.service.gov.uk"
)
MSA_AU_REGISTRY_URL = os.environ.get("MSA_AU_REGISTRY_URL", "https://modernslaveryregister.gov.au")
MSA_DATA_DIR = os.environ.get("MSA_DATA_DIR", "data")
MSA_YEARS = os.environ.get("MSA_YEARS") or default_years()
MSA_LIMIT = os.environ.get("MSA_LIMIT", "")
# Seconds between progress lines on stderr (0: none).
MSA_PROGRESS_SECONDS = float(os.environ.get("MSA_PROGRESS_SECONDS", "30"))
