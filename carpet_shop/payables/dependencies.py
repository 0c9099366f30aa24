from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query

from carpet_shop.core.dates import ShopDay
from carpet_shop.payables.models import PayableStatus
from carpet_shop.payables.repository import PayableFilters


async def payable_filters(
    supplier_id: uuid.UUID | None = None,
    branch_id: uuid.UUID | None = None,
    status: Annotated[
        PayableStatus | None, Query(description="True status: open, paid or overdue")
    ] = None,
    overdue: Annotated[
        bool | None, Query(description="true: overdue only; false: all but overdue")
    ] = None,
    due_from: Annotated[ShopDay | None, Query(description="Due on or after")] = None,
    due_to: Annotated[ShopDay | None, Query(description="Due on or before")] = None,
) -> PayableFilters:
    return PayableFilters(
        supplier_id=supplier_id,
        branch_id=branch_id,
        status=status,
        overdue=overdue,
        due_from=due_from,
        due_to=due_to,
    )


PayableQuery = Annotated[PayableFilters, Depends(payable_filters)]
