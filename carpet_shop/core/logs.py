"""One format for every line the service writes, its own and uvicorn's: text for people,
`LOG_FORMAT=json` (one object per line) for collectors, to stderr and, with `LOG_FILE`, to a
file rotated at 10 MB with 5 kept (the specification's numbers).

A request's line carries its id (also the `X-Request-ID` header), the signed-in user, the
route's template (`/api/products/{product_id}`, so lines group by endpoint), the status and
the duration; so does every line logged while that request runs.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from carpet_shop.core.config import Settings

LOG_FILE_BYTES = 10 * 1024 * 1024
LOG_FILE_BACKUPS = 5
# Loggers that other libraries set up themselves: their lines go through ours instead.
_OTHERS = ("uvicorn", "uvicorn.error", "alembic")
# uvicorn's line per request says less than carpet_shop.access's (core.http): one line each.
_SILENCED = ("uvicorn.access",)
# What a request adds to each line logged while it runs.
_REQUEST_FIELDS = ("request_id", "user_id", "method", "route", "status", "duration_ms")


@dataclass
class RequestLog:
    """What is known of the request being served, filled in as it goes (see core.http)."""

    request_id: str
    method: str
    path: str
    route: str | None = None
    user_id: str | None = None
    # Counted once the request is answered with success (core.metrics.after_success).
    on_success: list[Callable[[], None]] = field(default_factory=list)


current_request: ContextVar[RequestLog | None] = ContextVar("current_request", default=None)


class RequestFields(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request.get()
        if request is not None:
            record.request_id = getattr(record, "request_id", request.request_id)
            record.user_id = getattr(record, "user_id", request.user_id)
            if not hasattr(record, "route"):
                record.route = request.route or request.path
            if not hasattr(record, "method"):
                record.method = request.method
        return True


class TextFormatter(logging.Formatter):
    """`2026-03-10T05:00:00.123+00:00 INFO carpet_shop.access [request-id user=…] message`."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        context = getattr(record, "request_id", None) or "-"
        user_id = getattr(record, "user_id", None)
        if user_id is not None:
            context += f" user={user_id}"
        line = f"{stamp} {record.levelname} {record.name} [{context}] {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for name in _REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(settings: Settings) -> None:
    """Route every logger through one set of handlers; safe to call again (tests, reload)."""
    formatter: logging.Formatter = (
        JsonFormatter() if settings.log_format == "json" else TextFormatter()
    )
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if settings.log_file:
        path = Path(settings.log_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8"
            )
        )
    for handler in handlers:
        handler.addFilter(RequestFields())
        handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in root.handlers[:]:
        if getattr(old, "_carpet_shop", False):
            root.removeHandler(old)
            old.close()
    for handler in handlers:
        handler._carpet_shop = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.WARNING)
    level = logging.DEBUG if settings.debug else getattr(logging, settings.log_level)
    logging.getLogger("carpet_shop").setLevel(level)
    logging.getLogger("carpet_shop").propagate = True
    for name in _OTHERS:
        other = logging.getLogger(name)
        other.handlers = []
        other.propagate = True
        other.setLevel(logging.INFO)
    for name in _SILENCED:
        silenced = logging.getLogger(name)
        silenced.handlers = []
        silenced.propagate = False
