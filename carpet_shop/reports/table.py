"""What a report is, whatever file it becomes: typed columns, rows streamed one by one, and
the totals once the rows are done.

Money, quantities and percentages travel as whole hundredths (`int`), the way they are
stored: exact, cheap to add up, and written out by each file format without a `Decimal` per
cell (a year of sales is a million rows).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


class Kind(enum.Enum):
    TEXT = "text"
    INTEGER = "integer"
    MONEY = "money"  # so'm, in hundredths
    QUANTITY = "quantity"  # pieces or metres, in hundredths
    PERCENT = "percent"  # in hundredths of a percent
    DATE = "date"
    DATETIME = "datetime"  # aware, in shop time
    BOOL = "bool"


HUNDREDTHS = frozenset({Kind.MONEY, Kind.QUANTITY, Kind.PERCENT})


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: Kind
    width: int = 14
    # Cost, buy prices, the director's profit: never in a seller's file (CONTRACT.md).
    director_only: bool = False


@dataclass(frozen=True)
class Total:
    """One figure of the totals: under its column in the files' totals row (when the report
    has that column) and in the JSON `totals` under `key`."""

    key: str
    kind: Kind
    value: Any


@dataclass
class Table:
    """A report: `rows` yields one value per column, in the columns' order; `totals` is
    called once the rows are exhausted (it adds up what they yielded)."""

    name: str
    columns: Sequence[Column]
    rows: Iterator[Sequence[Any]]
    totals: Callable[[], Sequence[Total]]
    first_day: date | None
    last_day: date
    extra: dict[str, Any] = field(default_factory=dict)

    def filename(self, extension: str) -> str:
        first = self.first_day.isoformat() if self.first_day else "all"
        return f"{self.name}_{first}_{self.last_day.isoformat()}.{extension}"


def visible(columns: Sequence[Column], *, director: bool) -> tuple[list[Column], list[int]]:
    """The columns a viewer gets, and their positions among all of them."""
    kept = [(i, c) for i, c in enumerate(columns) if director or not c.director_only]
    return [c for _, c in kept], [i for i, _ in kept]


def picker(positions: Sequence[int], width: int) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """Takes a full row to the values at `positions` (all of them: the row unchanged)."""
    if list(positions) == list(range(width)):
        return lambda row: row
    chosen = tuple(positions)
    return lambda row: tuple(row[i] for i in chosen)


def hundredths_text(value: int) -> str:
    """1234550 -> "12345.50"; -5 -> "-0.05". Exact, with a dot, as CONTRACT.md asks."""
    sign = "-" if value < 0 else ""
    whole, part = divmod(abs(value), 100)
    return f"{sign}{whole}.{part:02d}"


def quantity_text(value: int) -> str:
    """Pieces without decimals (3), metres to the centimetre (2.50)."""
    if value % 100 == 0:
        return str(value // 100)
    return hundredths_text(value)


def hundredths_decimal(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)
