"""The currency rates' domain errors, each with its CONTRACT.md code."""

from __future__ import annotations

from datetime import date

from carpet_shop.core.errors import Conflict, NotFound
from carpet_shop.core.i18n import Message


class NoRate(NotFound):
    """404 NOT_FOUND with `details.reason = "NO_RATE"`: no dollar rate recorded on or before
    the day asked about (the director records one with POST /api/currency-rates)."""

    default_message = "No dollar rate has been recorded yet"

    @classmethod
    def on(cls, day: date) -> NoRate:
        return cls(
            Message("No dollar rate has been recorded on or before {day}", day=day.isoformat()),
            details={"reason": "NO_RATE", "day": day.isoformat()},
        )


def day_taken(day: date, existing_id: object) -> Conflict:
    return Conflict(
        Message("The dollar rate of {day} is already recorded", day=day.isoformat()),
        details={"field": "day", "day": day.isoformat(), "currency_rate_id": str(existing_id)},
    )
