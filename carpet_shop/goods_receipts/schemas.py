from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from carpet_shop.core.dates import ShopDay
from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber
from carpet_shop.currency.models import Currency
from carpet_shop.goods_receipts.models import (
    CostRule,
    GoodsReceipt,
    GoodsReceiptStatus,
)
from carpet_shop.purchase_orders.schemas import BuyPrice, Note, Quantity, SizeText


class ReceiptLineIn(RequestModel):
    product_id: uuid.UUID
    size: SizeText | None = Field(
        default=None,
        description="Left out only when the product has one size; a new size is added to it",
    )
    quantity: Quantity = Field(description="Pieces, or metres of a roll")
    buy_price: BuyPrice | None = Field(
        default=None,
        description="Per piece or metre (director only); default: the order line's",
    )
    currency: Currency | None = Field(
        default=None, description="Director only; default: the order line's, else the supplier's"
    )


class ReceiptCreate(RequestModel):
    purchase_order_id: uuid.UUID | None = None
    supplier_id: uuid.UUID
    branch_id: uuid.UUID = Field(description="The branch the goods came to (a seller: their own)")
    on_credit: bool = False
    due_date: ShopDay | None = Field(default=None, description="Required when on credit")
    allow_over_receipt: bool = Field(
        default=False, description="Director only: take more than the order still expects"
    )
    note: Note | None = None
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=200)


class LineCostIn(RequestModel):
    line_id: uuid.UUID
    buy_price: BuyPrice
    currency: Currency | None = Field(default=None, description="Default: the supplier's")


class CostsIn(RequestModel):
    lines: list[LineCostIn] = Field(min_length=1, max_length=200)
    on_credit: bool | None = Field(
        default=None,
        description="The director's credit terms for a seller's receipt: on credit, a payable"
        " opens once every line has its cost",
    )
    due_date: ShopDay | None = Field(default=None, description="Required when on credit")


class PurchaseSettingsRead(ReadModel):
    cost_rule: CostRule = Field(
        description="last_price: a receipt sets the size's buy price to its price;"
        " weighted_average: (stock on hand × its buy price + received × price) /"
        " (stock on hand + received), half up to the tiyin"
    )


class PurchaseSettingsUpdate(RequestModel):
    cost_rule: CostRule


class ReceiptLineSellerRead(ReadModel):
    id: uuid.UUID
    position: int
    purchase_order_line_id: uuid.UUID | None
    product_id: uuid.UUID
    size: str | None
    quantity: DecimalNumber


class ReceiptLineRead(ReceiptLineSellerRead):
    currency: Currency
    buy_price: DecimalNumber | None
    buy_price_uzs: DecimalNumber | None
    amount: DecimalNumber | None
    amount_uzs: DecimalNumber | None


class _ReceiptBase(ReadModel):
    id: uuid.UUID
    number: str
    purchase_order_id: uuid.UUID | None
    supplier_id: uuid.UUID
    branch_id: uuid.UUID
    received_on: date
    status: GoodsReceiptStatus
    note: str | None
    created_by_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class ReceiptSellerRead(_ReceiptBase):
    """What a seller sees of a receipt: no price, cost or amount."""

    lines: list[ReceiptLineSellerRead]

    @classmethod
    def of(cls, receipt: GoodsReceipt) -> ReceiptSellerRead:
        return cls.model_validate(receipt)


class ReceiptRead(_ReceiptBase):
    on_credit: bool
    due_date: date | None
    allow_over_receipt: bool
    rate: DecimalNumber | None = Field(description="So'm per USD on received_on")
    total_uzs: DecimalNumber | None
    total_usd: DecimalNumber | None
    lines: list[ReceiptLineRead]

    @classmethod
    def of(cls, receipt: GoodsReceipt) -> ReceiptRead:
        return cls.model_validate(receipt)


def read_for(receipt: GoodsReceipt, *, director: bool) -> ReceiptRead | ReceiptSellerRead:
    return ReceiptRead.of(receipt) if director else ReceiptSellerRead.of(receipt)
