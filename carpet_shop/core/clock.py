"""The one source of "now", so services and tests agree on time and tests can move it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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
    """The UTC instant at which `day` begins in the shop's time zone."""
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)
