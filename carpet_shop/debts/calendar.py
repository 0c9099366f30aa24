"""The shop's week that the summary's "due this week" is measured against."""

from __future__ import annotations

from datetime import date, timedelta


def week_end(today: date) -> date:
    """The Sunday closing the shop's current week (weeks start on Monday, as in reports)."""
    return today + timedelta(days=6 - today.weekday())
