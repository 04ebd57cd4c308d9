"""Structured logging: one JSON object per line, with the correlation id of the activity.

Every record logged while an activity is handled carries that activity's correlation id (set
by the HTTP edge), so one request can be followed through the log. Message text and names are
never logged at info level; the code logs ids and types only.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import traceback
from typing import Any

CORRELATION_ID: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = CORRELATION_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = (
                    value
                    if isinstance(value, (str, int, float, bool)) or value is None
                    else repr(value)
                )
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, *, json_lines: bool = True) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(CorrelationFilter())
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # botbuilder's connector logs request bodies at DEBUG; keep message text out of logs.
    logging.getLogger("msrest").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
