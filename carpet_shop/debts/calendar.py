"""The shop day that deadlines are measured against."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from carpet_shop.core import clock as clocks
from carpet_shop.core.config import get_settings


def shop_tz(tz: ZoneInfo | None = None) -> ZoneInfo:
    # Routers pass the app's settings; extension points called by other services may not.
    return tz or get_settings().tz


def shop_today(clock: clocks.Clock, tz: ZoneInfo | None = None) -> date:
    return clocks.shop_today(clock, shop_tz(tz))


def week_end(today: date) -> date:
    """The Sunday closing the shop's current week (weeks start on Monday, as in reports)."""
    return today + timedelta(days=6 - today.weekday())
