from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from carpet_shop.core.dates import ShopDay
from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber, Money
from carpet_shop.currency.models import Currency
from carpet_shop.purchase_orders.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)

Note = Annotated[str, StringConstraints(max_length=500)]
SizeText = Annotated[str, StringConstraints(max_length=20)]
# Pieces (whole, for unit products) or metres exact to the centimetre.
Quantity = Annotated[
    Decimal, Field(gt=0, max_digits=9, decimal_places=2, allow_inf_nan=False, examples=[5])
]
BuyPrice = Annotated[Money, Field(ge=0)]


class OrderLineIn(RequestModel):
    product_id: uuid.UUID
    size: SizeText | None = Field(
        default=None, description="Left out only when the product has one size"
    )
    quantity: Quantity
    buy_price: BuyPrice = Field(description="Per piece, or per metre, in `currency`")
    currency: Currency | None = Field(default=None, description="Default: the supplier's")


class OrderCreate(RequestModel):
    supplier_id: uuid.UUID
    branch_id: uuid.UUID = Field(description="The branch the goods are delivered to")
    expected_date: ShopDay | None = None
    note: Note | None = None
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)


class OrderUpdate(RequestModel):
    """Only while a draft; the fields sent change, `lines` replaces them all."""

    not_null = frozenset({"supplier_id", "branch_id", "lines"})

    supplier_id: uuid.UUID | None = None
    branch_id: uuid.UUID | None = None
    expected_date: ShopDay | None = None
    note: Note | None = None
    lines: list[OrderLineIn] | None = Field(default=None, min_length=1, max_length=200)


class OrderLineRead(ReadModel):
    id: uuid.UUID
    position: int
    product_id: uuid.UUID
    size: str | None
    quantity: DecimalNumber
    received_quantity: DecimalNumber
    remaining: DecimalNumber
    buy_price: DecimalNumber
    currency: Currency
    amount: DecimalNumber = Field(description="quantity × buy_price, in `currency`")

    @classmethod
    def of(cls, line: PurchaseOrderLine) -> OrderLineRead:
        return cls(
            id=line.id,
            position=line.position,
            product_id=line.product_id,
            size=line.size,
            quantity=line.quantity,
            received_quantity=line.received_quantity,
            remaining=max(line.quantity - line.received_quantity, Decimal(0)),
            buy_price=line.buy_price,
            currency=line.currency,
            amount=(line.quantity * line.buy_price).quantize(Decimal("0.01")),
        )


class OrderRead(ReadModel):
    id: uuid.UUID
    number: str
    supplier_id: uuid.UUID
    branch_id: uuid.UUID
    status: PurchaseOrderStatus
    expected_date: date | None
    note: str | None
    created_by_id: uuid.UUID | None
    ordered_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime
    lines: list[OrderLineRead]

    @classmethod
    def of(cls, order: PurchaseOrder) -> OrderRead:
        return cls(
            id=order.id,
            number=order.number,
            supplier_id=order.supplier_id,
            branch_id=order.branch_id,
            status=order.status,
            expected_date=order.expected_date,
            note=order.note,
            created_by_id=order.created_by_id,
            ordered_at=order.ordered_at,
            cancelled_at=order.cancelled_at,
            created_at=order.created_at,
            updated_at=order.updated_at,
            lines=[OrderLineRead.of(line) for line in order.lines],
        )


class ExpectedLineRead(ReadModel):
    id: uuid.UUID
    position: int
    product_id: uuid.UUID
    product_name: str
    size: str | None
    quantity: DecimalNumber
    received_quantity: DecimalNumber
    remaining: DecimalNumber


class ExpectedOrderRead(ReadModel):
    """An order still waiting for goods, as a branch taking them in sees it: no prices."""

    id: uuid.UUID
    number: str
    supplier_id: uuid.UUID
    supplier_name: str
    branch_id: uuid.UUID
    status: PurchaseOrderStatus
    expected_date: date | None
    lines: list[ExpectedLineRead]

    @classmethod
    def of(
        cls, order: PurchaseOrder, suppliers: dict[Any, str], products: dict[Any, str]
    ) -> ExpectedOrderRead:
        return cls(
            id=order.id,
            number=order.number,
            supplier_id=order.supplier_id,
            supplier_name=suppliers.get(order.supplier_id, ""),
            branch_id=order.branch_id,
            status=order.status,
            expected_date=order.expected_date,
            lines=[
                ExpectedLineRead(
                    id=line.id,
                    position=line.position,
                    product_id=line.product_id,
                    product_name=products.get(line.product_id, ""),
                    size=line.size,
                    quantity=line.quantity,
                    received_quantity=line.received_quantity,
                    remaining=max(line.quantity - line.received_quantity, Decimal(0)),
                )
                for line in order.lines
            ],
        )
