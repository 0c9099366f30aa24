from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from carpet_shop.core.schemas import ReadModel, RequestModel, ShortText
from carpet_shop.core.types import DecimalNumber
from carpet_shop.transfers.models import TransferStatus

Amount = Annotated[Decimal, Field(gt=0, max_digits=9, decimal_places=2, allow_inf_nan=False)]
Direction = Literal["in", "out"]


class TransferCreate(RequestModel):
    to_branch_id: uuid.UUID
    size: ShortText | None = Field(
        default=None, description="The size sent (W×H): required when the product has several"
    )
    quantity: Amount = Field(description="Pieces, or metres for meter products")
    complete: bool = Field(default=False, description="Receive at once in the target branch")
    note: ShortText | None = None


class BatchItem(RequestModel):
    product_id: uuid.UUID
    size: ShortText | None = Field(
        default=None, description="The size sent (W×H): required when the product has several"
    )
    quantity: Amount = Field(description="Pieces, or metres for meter products")


class BatchCreate(RequestModel):
    """Several products to one branch, as one transfer document."""

    to_branch_id: uuid.UUID
    items: list[BatchItem] = Field(min_length=1, max_length=500)
    complete: bool = Field(default=False, description="Receive at once in the target branch")
    note: ShortText | None = None


class TransferRead(ReadModel):
    id: uuid.UUID
    batch_id: uuid.UUID | None = Field(description="The bulk transfer it is part of, if any")
    product_id: uuid.UUID
    product_name: str
    unit: str = Field(description='"pcs" or "m"')
    from_branch_id: uuid.UUID
    to_branch_id: uuid.UUID
    size: str | None = Field(default=None, description="The size sent")
    quantity: DecimalNumber
    status: TransferStatus
    target_product_id: uuid.UUID | None = Field(description="Where it arrived, once received")
    note: str | None
    created_by_id: uuid.UUID | None
    created_at: datetime
    received_by_id: uuid.UUID | None
    received_at: datetime | None
    cancelled_by_id: uuid.UUID | None
    cancelled_at: datetime | None


class BatchRead(ReadModel):
    batch_id: uuid.UUID
    to_branch_id: uuid.UUID
    status: TransferStatus
    transfers: list[TransferRead]
