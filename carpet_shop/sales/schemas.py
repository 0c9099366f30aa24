"""Sale bodies and the two read shapes: the seller's (no buy price, cost or director's profit)
and the director's. The seller's is a separate class, never a blanked copy of the other."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from carpet_shop.catalog.models import ProductType
from carpet_shop.core.dates import ShopDay, ShopInstant
from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber, PositiveMoney
from carpet_shop.customers.phone import UzPhone
from carpet_shop.debts.models import DebtStatus
from carpet_shop.sales.models import PaymentType

# Pieces for unit products, metres to the centimetre for meter products.
Quantity = Annotated[
    Decimal,
    Field(gt=0, max_digits=9, decimal_places=2, allow_inf_nan=False, examples=[1, 2.5]),
]
CustomerName = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Note = Annotated[str, StringConstraints(max_length=500)]
MAX_ITEMS = 100
MAX_PAYMENTS = 10


SizeIn = Annotated[str, StringConstraints(min_length=1, max_length=20)]
SIZE_HELP = "The product's size sold (W×H; a roll's W×L): required when it has several"


class SaleItemIn(RequestModel):
    product_id: uuid.UUID
    size: SizeIn | None = Field(default=None, description=SIZE_HELP)
    quantity: Quantity
    amount: PositiveMoney = Field(description="What the customer pays for this line, in so'm")


class PaymentIn(RequestModel):
    payment_type: PaymentType
    amount: PositiveMoney


class SaleCreate(RequestModel):
    """Either the specification's one-product body (`product_id`, `quantity`, `amount`,
    `payment_type`) or a receipt (`items` and `payments`, or `items` and one `payment_type`
    for the whole receipt).

    The customer is optional for cash, card and transfer: `customer_id`, or `customer_name`
    and `customer_phone` (found in the registry by phone, or registered). A `debt` (nasiya)
    payment makes it a credit sale: it needs the customer and a `debt_deadline`, and its
    amount becomes the customer's debt.
    """

    items: list[SaleItemIn] | None = Field(default=None, min_length=1, max_length=MAX_ITEMS)
    payments: list[PaymentIn] | None = Field(default=None, min_length=1, max_length=MAX_PAYMENTS)
    product_id: uuid.UUID | None = None
    size: SizeIn | None = Field(default=None, description=SIZE_HELP)
    quantity: Quantity | None = None
    amount: PositiveMoney | None = None
    payment_type: PaymentType | None = Field(
        default=None, description="cash, card, transfer, or debt (the whole amount on credit)"
    )
    customer_id: uuid.UUID | None = Field(default=None, description="A registered customer")
    customer_name: CustomerName | None = None
    customer_phone: UzPhone | None = Field(
        default=None, description="Any Uzbek spelling; stored as +998XXXXXXXXX"
    )
    # `dt.date`: in this class `date` is the field below.
    debt_deadline: ShopDay | None = Field(
        default=None,
        description="Credit sales only: the last shop day to pay the debt; after today",
    )
    note: Note | None = None
    date: ShopInstant | None = Field(
        default=None, description="When it was sold (admin only, for back-filling); now if left out"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "product_id": "3f2c1a9e-1f7e-4c5e-9d51-0b8a3c2f1e44",
                    "quantity": 1,
                    "amount": 1500000,
                    "payment_type": "cash",
                },
                {
                    "items": [
                        {
                            "product_id": "3f2c1a9e-1f7e-4c5e-9d51-0b8a3c2f1e44",
                            "quantity": 1,
                            "amount": 1500000,
                        },
                        {
                            "product_id": "8d7c6b5a-2e3f-4a1b-9c8d-7e6f5a4b3c2d",
                            "quantity": 2.5,
                            "amount": 450000,
                        },
                    ],
                    "payments": [
                        {"payment_type": "cash", "amount": 1000000},
                        {"payment_type": "card", "amount": 950000},
                    ],
                    "customer_name": "Aziza",
                    "customer_phone": "+998901234567",
                },
                {
                    "items": [
                        {
                            "product_id": "3f2c1a9e-1f7e-4c5e-9d51-0b8a3c2f1e44",
                            "quantity": 1,
                            "amount": 1500000,
                        }
                    ],
                    "payments": [
                        {"payment_type": "cash", "amount": 500000},
                        {"payment_type": "debt", "amount": 1000000},
                    ],
                    "customer_name": "Aziz Rahimov",
                    "customer_phone": "90 123 45 67",
                    "debt_deadline": "2026-12-31",
                },
            ]
        }
    )


class PaymentRead(ReadModel):
    payment_type: PaymentType
    amount: DecimalNumber


class SaleDebtRead(ReadModel):
    """The debt made for a sale (a credit sale's), as it stands now (all of it:
    /api/debts/{id})."""

    id: uuid.UUID
    total_amount: DecimalNumber
    remaining_amount: DecimalNumber
    payment_deadline: date
    status: DebtStatus = Field(description="pending, paid or overdue, as of this answer")


class SaleItemRead(ReadModel):
    id: uuid.UUID
    position: int
    product_id: uuid.UUID
    product_name: str
    collection_name: str
    product_type: ProductType
    size: str | None = Field(
        description="The size sold (older sales without one: the product's sizes)"
    )
    cut_size: str | None = Field(default=None, description="A roll's cut: W×metres")
    photo_thumb: str | None
    quantity: DecimalNumber
    amount: DecimalNumber
    list_price: DecimalNumber = Field(description="Per piece or metre, before any discount")
    standard_price: DecimalNumber = Field(description="Per piece or metre, after the discount")
    discount_id: uuid.UUID | None
    discount_amount: DecimalNumber = Field(description="The line's whole discount")
    extra_profit: DecimalNumber = Field(description="amount − standard price × quantity")
    returned_quantity: DecimalNumber
    refunded_amount: DecimalNumber


class SaleItemAdminRead(SaleItemRead):
    buy_price: DecimalNumber
    cost: DecimalNumber
    director_profit: DecimalNumber


class _SaleFields(ReadModel):
    id: uuid.UUID
    receipt_number: str
    branch_id: uuid.UUID
    branch_name: str
    seller_id: uuid.UUID
    seller_name: str
    customer_id: uuid.UUID | None
    customer_name: str | None
    customer_phone: str | None
    note: str | None
    date: datetime
    created_at: datetime
    amount: DecimalNumber
    profit: DecimalNumber = Field(description="Extra profit: charged above the standard price")
    refunded_amount: DecimalNumber
    net_amount: DecimalNumber = Field(description="amount − refunded_amount")
    item_count: int
    # The specification's sales-table fields, for a one-item sale (null for several items).
    product_id: uuid.UUID | None
    quantity: DecimalNumber | None
    payment_type: PaymentType | Literal["mixed"] = Field(
        description="The payment type, or 'mixed' when paid several ways"
    )
    payments: list[PaymentRead]
    debt: SaleDebtRead | None = Field(
        description="The debt made for this sale (a credit sale's); null if none"
    )


class SaleRead(_SaleFields):
    """What a seller sees."""

    items: list[SaleItemRead]


class SaleAdminRead(_SaleFields):
    """What the director sees: also the buy prices, the cost and the director's profit."""

    cost: DecimalNumber
    director_profit: DecimalNumber
    items: list[SaleItemAdminRead]
