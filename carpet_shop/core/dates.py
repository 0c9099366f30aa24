"""The dates the shop accepts: from 2000-01-01 to 2100-01-01, both included.

A sale's date, every date filter, discount windows and debt deadlines are read with these
types, so a date outside is a 422 on its field. Beyond them a shop day's midnight in UTC
may not exist (year 1 in UTC+5), and no real receipt is that old or that far ahead.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

from carpet_shop.core.i18n import Message

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 1, 1)
_RANGE = Message(
    "must be between {first} and {last}", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()
)


def _day_in_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(_RANGE)
    return value


def _instant_in_range(value: datetime) -> datetime:
    # Compared as written (its own offset): converting year 1 at +14:00 to UTC overflows.
    local = value.replace(tzinfo=None)
    if not datetime.combine(FIRST_DAY, time.min) <= local <= datetime.combine(LAST_DAY, time.min):
        raise ValueError(_RANGE)
    return value


ShopDay = Annotated[date, AfterValidator(_day_in_range)]
ShopInstant = Annotated[AwareDatetime, AfterValidator(_instant_in_range)]
