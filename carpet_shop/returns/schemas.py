from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber, Money
from carpet_shop.returns.models import ReturnReason, ReturnStatus
from carpet_shop.sales.schemas import Quantity

Note = Annotated[str, StringConstraints(max_length=500)]


class ReturnItemIn(RequestModel):
    sale_item_id: uuid.UUID
    quantity: Quantity


class ReturnCreate(RequestModel):
    """The items taken back, or (the specification's form) one `product_id` and `quantity`
    of the sale."""

    sale_id: uuid.UUID
    items: list[ReturnItemIn] | None = Field(default=None, min_length=1, max_length=100)
    product_id: uuid.UUID | None = Field(
        default=None, description="Instead of items: the product sold on this receipt"
    )
    quantity: Quantity | None = Field(default=None, description="With product_id")
    reason: ReturnReason
    reason_note: Note | None = None
    refund_amount: Annotated[Money, Field(ge=0)] | None = Field(
        default=None,
        description="Money given back; at most what was paid for these items, which is the default",
    )

    not_null = frozenset({"items"})


class ReturnDecision(RequestModel):
    note: Note | None = None


class ReturnItemRead(ReadModel):
    id: uuid.UUID
    sale_item_id: uuid.UUID
    product_id: uuid.UUID
    product_name: str
    quantity: DecimalNumber
    refund_amount: DecimalNumber


class ReturnRead(ReadModel):
    id: uuid.UUID
    sale_id: uuid.UUID
    receipt_number: str
    branch_id: uuid.UUID
    status: ReturnStatus
    reason: ReturnReason
    reason_note: str | None
    refund_amount: DecimalNumber = Field(description="The value of the goods taken back")
    debt_reduced: DecimalNumber | None = Field(
        description="Approved: what the return took off the sale's debt (0 without one)"
    )
    cash_refund: DecimalNumber | None = Field(
        description="Approved: what was given back in money; refund_amount − debt_reduced"
    )
    created_by_id: uuid.UUID
    approved_by_id: uuid.UUID | None = Field(description="The admin who approved or rejected")
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime
    updated_at: datetime
    # The specification's returns-table fields, for a one-item return (null for several).
    product_id: uuid.UUID | None
    quantity: DecimalNumber | None
    items: list[ReturnItemRead]
