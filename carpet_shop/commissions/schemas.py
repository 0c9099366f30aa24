from __future__ import annotations

import uuid
from datetime import datetime

from carpet_shop.commissions.models import CommissionStatus
from carpet_shop.core.schemas import ReadModel
from carpet_shop.core.types import DecimalNumber


class CommissionRead(ReadModel):
    id: uuid.UUID
    seller_id: uuid.UUID
    sale_id: uuid.UUID
    receipt_number: str
    branch_id: uuid.UUID
    return_id: uuid.UUID | None
    commission_rate: DecimalNumber
    base_amount: DecimalNumber
    commission_amount: DecimalNumber
    status: CommissionStatus
    paid_at: datetime | None
    paid_by_id: uuid.UUID | None
    created_at: datetime
