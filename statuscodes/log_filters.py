"""Logging filters: what a log line about expected hostile traffic should leave out."""

import logging


class WithoutTraceback(logging.Filter):
    """Keep the one-line message, drop the traceback.

    A request naming a host we do not serve is refused with a 400; logging Django's full
    traceback for each one lets anyone flood the log and makes routine probes look like bugs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
