"""Log hygiene: a robots.txt that cannot be fetched is a WARNING line, not an ERROR with a traceback.

Scrapy logs a robots.txt download failure (a company site that is gone) as an error with its stack;
the document request behind it fails too and its reason is recorded, so one line is enough. Enabled as
an extension (EXTENSIONS in crawler/settings.py).
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class RobotsErrorsAsWarnings(logging.Filter):
    """Turns the robots.txt middleware's error records into one-line warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


class QuietRobotsErrors:
    """The extension: installs the filter once per process."""

    def __init__(self) -> None:
        logger = logging.getLogger(ROBOTS_LOGGER)
        if not any(isinstance(existing, RobotsErrorsAsWarnings) for existing in logger.filters):
            logger.addFilter(RobotsErrorsAsWarnings())

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuietRobotsErrors:
        return cls()
