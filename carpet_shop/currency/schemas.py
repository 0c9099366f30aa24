from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, WithJsonSchema

from carpet_shop.core.dates import ShopDay
from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.core.types import TWO_PLACES, DecimalNumber

# So'm per dollar, to the tiyin: 12650.50. Bounded far above any rate there has been.
MAX_RATE = Decimal("10000000")
Rate = Annotated[
    Decimal,
    Field(gt=0, le=MAX_RATE, max_digits=10, decimal_places=2, allow_inf_nan=False),
    WithJsonSchema(TWO_PLACES | {"exclusiveMinimum": 0, "maximum": int(MAX_RATE)}),
]


class CurrencyRateCreate(RequestModel):
    rate: Rate = Field(examples=[12650.50], description="So'm per 1 USD, at most 2 decimals")
    day: ShopDay | None = Field(
        default=None, description="The shop day it is for; left out, today (shop time)"
    )


class CurrencyRateRead(ReadModel):
    id: uuid.UUID
    day: date
    rate: DecimalNumber
    created_by_id: uuid.UUID | None
    created_at: datetime


class CurrentRate(CurrencyRateRead):
    """The rate in force today: today's, else the latest recorded before it."""

    today: date = Field(description="The shop's today")
    is_today: bool = Field(description="false: no rate recorded today, an earlier day's holds")
