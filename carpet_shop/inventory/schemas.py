from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from carpet_shop.catalog.schemas import AnyProductRead, Pieces
from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber, Metres
from carpet_shop.inventory.models import MovementKind

Reason = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class MovementRead(ReadModel):
    id: uuid.UUID
    product_id: uuid.UUID
    size: str | None = Field(default=None, description="The size that moved")
    branch_id: uuid.UUID
    kind: MovementKind
    delta: DecimalNumber = Field(description="Pieces or metres; negative when stock left")
    balance_after: DecimalNumber
    document_type: str | None
    document_id: uuid.UUID | None
    user_id: uuid.UUID | None
    reason: str | None
    created_at: datetime


class AdjustRequest(RequestModel):
    """What a stock count found: `quantity` for unit products, `remaining_length` for meter."""

    size: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = Field(
        default=None, description="The size counted (W×H): required when the product has several"
    )
    quantity: Pieces | None = None
    remaining_length: Metres | None = None
    reason: Reason = Field(examples=["Stock count 2026-03-01"])


class AdjustResult(ReadModel):
    product: AnyProductRead
    movement: MovementRead | None = Field(description="null when the count matched the stock")
