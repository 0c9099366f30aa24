"""Report periods in the shop's time zone: today, this week (from Monday), this month, custom."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from carpet_shop.core.clock import Clock, shop_midnight
from carpet_shop.core.errors import ValidationFailed


class Period(enum.StrEnum):
    TODAY = "today"
    WEEK = "week"
    MONTH = "month"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC, with the shop days it covers (both inclusive)."""

    start: datetime
    end: datetime
    first_day: date
    last_day: date


def days_window(first_day: date, last_day: date, tz: ZoneInfo) -> Window:
    return Window(
        shop_midnight(first_day, tz),
        shop_midnight(last_day + timedelta(days=1), tz),
        first_day,
        last_day,
    )


def resolve(
    period: Period | None, date_from: date | None, date_to: date | None, clock: Clock, tz: ZoneInfo
) -> Window | None:
    """The window a request asks for; None means all time.

    `date_from`/`date_to` without a period mean a custom range; either end may be left open
    only for custom ranges (from the first day, or up to today).
    """
    today = clock.now().astimezone(tz).date()
    if period is None and (date_from or date_to):
        period = Period.CUSTOM
    if period is None:
        return None
    if period == Period.TODAY:
        return days_window(today, today, tz)
    if period == Period.WEEK:
        monday = today - timedelta(days=today.weekday())
        return days_window(monday, monday + timedelta(days=6), tz)
    if period == Period.MONTH:
        first = today.replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        return days_window(first, next_month - timedelta(days=1), tz)
    if date_from is None and date_to is None:
        raise ValidationFailed.field("date_from", "A custom period needs date_from and/or date_to")
    first_day = date_from or date(2000, 1, 1)
    last_day = date_to or today
    if last_day < first_day:
        raise ValidationFailed.field("date_to", "date_to is before date_from")
    return days_window(first_day, last_day, tz)
