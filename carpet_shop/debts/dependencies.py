from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from carpet_shop.core import clock as clocks
from carpet_shop.core.dates import ShopDay
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.schemas import ShortText
from carpet_shop.debts.models import DebtStatus
from carpet_shop.debts.repository import DebtFilters


async def get_shop_today(clock: AppClock, settings: AppSettings) -> date:
    """Today in the shop's time zone: what every status in the answer is computed against."""
    return clocks.shop_today(clock, settings.tz)


async def debt_filters(
    status: Annotated[
        DebtStatus | None, Query(description="True status: pending, paid or overdue")
    ] = None,
    overdue: Annotated[
        bool | None, Query(description="true: overdue only; false: all but overdue")
    ] = None,
    customer_id: uuid.UUID | None = None,
    q: Annotated[ShortText | None, Query(description="Customer name or phone (any part)")] = None,
    deadline_from: Annotated[ShopDay | None, Query(description="Deadline on or after")] = None,
    deadline_to: Annotated[ShopDay | None, Query(description="Deadline on or before")] = None,
) -> DebtFilters:
    return DebtFilters(
        status=status,
        overdue=overdue,
        customer_id=customer_id,
        q=q.strip() if q else None,
        deadline_from=deadline_from,
        deadline_to=deadline_to,
    )


ShopToday = Annotated[date, Depends(get_shop_today)]
DebtQuery = Annotated[DebtFilters, Depends(debt_filters)]
