"""Column and field types for money, lengths and instants.

Money (so'm) and lengths (metres) are stored as integers in hundredths (tiyin, centimetres),
so sums and comparisons in SQL are exact on SQLite and PostgreSQL alike, and Python sees
`Decimal` with two places. Instants are stored in UTC and always come back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, PlainSerializer, WithJsonSchema
from sqlalchemy import BigInteger, DateTime, Dialect, Integer, Numeric
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

HUNDREDTH = Decimal("0.01")


class Hundredths(TypeDecorator[Decimal]):
    """A two-place decimal kept as a whole number of hundredths.

    Caution: SQL arithmetic between columns (`a + b`, `a * quantity`) is typed as the BigInteger
    underneath and comes back as raw hundredths; `func.sum(a)` and `-a` keep this type. Read a
    computed sum of hundredths back with `type_coerce(expression, Hundredths())`.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * 100
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than two decimal places")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(HUNDREDTH)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        # An amount compared with, added to or subtracted from a literal: the literal is money
        # too (`price > 1000` means 1000 so'm, bound as 100000 hundredths). A factor or divisor
        # is a plain number: `price * 3` must not bind 3 as 300.
        if op in _SCALAR_OPERATORS:
            return Integer() if isinstance(value, int) else Numeric(asdecimal=True)
        return self


_SCALAR_OPERATORS = frozenset({operators.mul, operators.truediv, operators.floordiv, operators.mod})


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored as UTC (SQLite has no time zones of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _decimal_to_json_number(value: Decimal) -> int | float:
    # JSON has only one number type. A decimal with at most 15 significant digits (every
    # amount the input bounds allow) converts to the double whose shortest repr is exactly
    # the same digits, so the JSON text is exact; no arithmetic is ever done on the float.
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# How the OpenAPI document shows money and lengths: one JSON number (not `integer | number`,
# nor the string Pydantic would also accept), exact to two decimal places, for generated
# clients ("decimal" is the OpenAPI format registry's fixed-point number).
TWO_PLACES: dict[str, Any] = {"type": "number", "format": "decimal", "x-fraction-digits": 2}


def _number_schema(**bounds: Any) -> WithJsonSchema:
    return WithJsonSchema(TWO_PLACES | bounds)


# Response fields: exact decimals written as JSON numbers, as CONTRACT.md asks.
DecimalNumber = Annotated[
    Decimal,
    PlainSerializer(_decimal_to_json_number, return_type=int | float, when_used="json"),
    _number_schema(),
]

# Request fields. 15 significant digits keep every accepted value exactly representable.
MAX_DIGITS = 15
MAX_MONEY = 10**13 - 1
Money = Annotated[
    Decimal,
    Field(max_digits=MAX_DIGITS, decimal_places=2, allow_inf_nan=False),
    _number_schema(maximum=MAX_MONEY, minimum=-MAX_MONEY),
]
PositiveMoney = Annotated[
    Decimal,
    Field(gt=0, max_digits=MAX_DIGITS, decimal_places=2, allow_inf_nan=False),
    _number_schema(exclusiveMinimum=0, maximum=MAX_MONEY),
]
Metres = Annotated[
    Decimal,
    Field(ge=0, max_digits=9, decimal_places=2, allow_inf_nan=False),
    _number_schema(minimum=0, maximum=9_999_999),
]
