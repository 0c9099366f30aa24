"""Column values as the driver returns them, made into what the response models write as JSON.

For the busiest lists (see catalog.views): rows are read without SQLAlchemy's per-value
conversions (a UUID object from hex, a Decimal from hundredths, a datetime parsed from text)
and turned straight into JSON values. Each function takes what either driver returns:
sqlite3 gives text for ids, instants and JSON, psycopg gives UUID, aware datetime and lists.
The answers are the same JSON as the models give; a test compares the two for every field.
"""

from __future__ import annotations

import functools
import json
import uuid
from datetime import UTC, datetime
from typing import Any


def id_text(value: str | uuid.UUID | None) -> str | None:
    """A UUID column (`Uuid`): 32 hex digits on SQLite, a UUID on PostgreSQL."""
    if value is None:
        return None
    if type(value) is str and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(uuid.UUID(str(value)))


def hundredths_number(value: int | None) -> int | float | None:
    """A `Hundredths` column (stored as whole hundredths) as the JSON number of
    core.types.DecimalNumber: an integer when whole, else the shortest decimal, which for
    values of at most 15 digits is exactly the two-place amount."""
    if value is None:
        return None
    whole, cents = divmod(value, 100)
    return whole if cents == 0 else value / 100


def instant_text(value: str | datetime | None) -> str | None:
    """A `UTCDateTime` column as pydantic writes an aware UTC datetime: ISO 8601 with `Z`,
    the fraction only when there is one. SQLite keeps UTC as text without a zone."""
    if value is None:
        return None
    if type(value) is str:
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            # The form SQLAlchemy writes on SQLite, "YYYY-MM-DD HH:MM:SS.ffffff", in UTC.
            fraction = "" if value.endswith("000000") else value[19:]
            return f"{value[:10]}T{value[11:19]}{fraction}Z"
        moment = datetime.fromisoformat(value)
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    else:
        assert isinstance(value, datetime)
        moment = value.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat() + "Z"


def json_list(value: str | list[Any] | None) -> tuple[Any, ...]:
    """A `JSON` list column: text on SQLite, already decoded by psycopg on PostgreSQL.
    The same few texts recur (a catalog has a handful of size lists), so they are decoded
    once; the answer is a tuple, shared and never changed."""
    if value is None:
        return ()
    if type(value) is str:
        return _decoded_list(value)
    return tuple(value)


@functools.lru_cache(maxsize=4096)
def _decoded_list(text: str) -> tuple[Any, ...]:
    return tuple(json.loads(text))
