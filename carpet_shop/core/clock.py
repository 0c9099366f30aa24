"""The one source of "now", so services and tests agree on time and tests can move it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import MINYEAR, UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FrozenClock:
    """A clock that stands still until moved: for tests and back-filling scripts."""

    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current = self.current + delta


def shop_today(clock: Clock, tz: ZoneInfo) -> date:
    return clock.now().astimezone(tz).date()


def shop_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in the shop's time zone.

    Reports read it for stored days too; a day at the very edge of the calendar (kept from
    before dates were bounded) answers the first or last instant there is, not an error."""
    local = datetime.combine(day, time.min, tzinfo=tz)
    try:
        return local.astimezone(UTC)
    except OverflowError:
        return _EARLIEST if day.year == MINYEAR else _LATEST


def in_zone(instant: datetime, tz: ZoneInfo) -> datetime:
    """`instant` in `tz`; at the calendar's edges, its own wall time in `tz` (see
    `shop_midnight`)."""
    try:
        return instant.astimezone(tz)
    except OverflowError:
        return instant.replace(tzinfo=tz)


_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)
