from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber, PositiveMoney
from carpet_shop.currency.models import Currency
from carpet_shop.debts.models import DebtPaymentType
from carpet_shop.payables.models import Payable, PayableStatus, SupplierPayment
from carpet_shop.payables.status import days_overdue, status_of

Note = Annotated[str, StringConstraints(max_length=500)]


class SupplierPaymentCreate(RequestModel):
    """`amount` in `currency` (the payable's own when left out); in the other currency it is
    converted at the shop day's USD rate, rounded half up to the tiyin or the cent."""

    amount: PositiveMoney = Field(examples=[500000])
    currency: Currency | None = Field(
        default=None, description="UZS or USD; the payable's currency when left out"
    )
    payment_type: DebtPaymentType = DebtPaymentType.CASH
    note: Note | None = None


class SupplierPaymentRead(ReadModel):
    id: uuid.UUID
    payable_id: uuid.UUID
    supplier_id: uuid.UUID
    amount: DecimalNumber = Field(description="In the payable's currency")
    paid_currency: Currency
    paid_amount: DecimalNumber = Field(description="What left the till, in paid_currency")
    rate: DecimalNumber | None = Field(description="So'm per dollar, when the currencies differ")
    payment_type: DebtPaymentType
    note: str | None
    paid_at: datetime
    recorded_by: uuid.UUID | None
    created_at: datetime


class PayableRead(ReadModel):
    id: uuid.UUID
    supplier_id: uuid.UUID
    supplier_name: str
    branch_id: uuid.UUID
    goods_receipt_id: uuid.UUID
    goods_receipt_number: str
    received_on: date
    currency: Currency
    total_amount: DecimalNumber
    paid_amount: DecimalNumber
    remaining_amount: DecimalNumber
    due_date: date
    status: PayableStatus = Field(description="True status as of this answer, never stale")
    days_overdue: int
    overdue_notified_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(
        cls, payable: Payable, supplier_name: str, receipt: tuple[str, date], today: date
    ) -> PayableRead:
        remaining, due = payable.remaining_amount, payable.due_date
        return cls(
            id=payable.id,
            supplier_id=payable.supplier_id,
            supplier_name=supplier_name,
            branch_id=payable.branch_id,
            goods_receipt_id=payable.goods_receipt_id,
            goods_receipt_number=receipt[0],
            received_on=receipt[1],
            currency=payable.currency,
            total_amount=payable.total_amount,
            paid_amount=payable.total_amount - remaining,
            remaining_amount=remaining,
            due_date=due,
            status=status_of(remaining, due, today),
            days_overdue=days_overdue(remaining, due, today),
            overdue_notified_at=payable.overdue_notified_at,
            created_at=payable.created_at,
            updated_at=payable.updated_at,
        )


class PayableDetail(PayableRead):
    payments: list[SupplierPaymentRead] = Field(description="Newest first")


class SupplierPaymentReceipt(ReadModel):
    """A recorded payment and the payable as it stands after it."""

    payment: SupplierPaymentRead
    payable: PayableRead

    @classmethod
    def of(cls, payment: SupplierPayment, payable: PayableRead) -> SupplierPaymentReceipt:
        return cls(payment=SupplierPaymentRead.model_validate(payment), payable=payable)


class CurrencyBalance(ReadModel):
    currency: Currency
    owed: DecimalNumber = Field(description="What remains on open payables")
    overdue: DecimalNumber = Field(description="The part of it past its due date")
    open_count: int
    overdue_count: int


class SupplierBalance(ReadModel):
    supplier_id: uuid.UUID
    supplier_name: str
    today: date
    balances: list[CurrencyBalance] = Field(description="One per currency, so'm first")


class StatementRow(ReadModel):
    day: date
    kind: str = Field(description="receipt (goods taken on credit) or payment")
    document: str = Field(description="The receipt's number (a payment: its receipt's)")
    payable_id: uuid.UUID
    goods_receipt_id: uuid.UUID
    payment_id: uuid.UUID | None
    increase: DecimalNumber = Field(description="What the shop came to owe")
    decrease: DecimalNumber = Field(description="What the shop paid")
    balance: DecimalNumber = Field(description="Owed after this row")


class CurrencyStatement(ReadModel):
    currency: Currency
    opening_balance: DecimalNumber
    rows: list[StatementRow]
    total_increase: DecimalNumber
    total_decrease: DecimalNumber
    closing_balance: DecimalNumber


class SupplierStatement(ReadModel):
    supplier_id: uuid.UUID
    supplier_name: str
    date_from: date | None
    date_to: date
    currencies: list[CurrencyStatement]


class SupplierSummary(ReadModel):
    id: uuid.UUID
    name: str
    phone: str | None
    country: str | None
    currency: Currency
    note: str | None
    deleted_at: datetime | None


class OrderBrief(ReadModel):
    id: uuid.UUID
    number: str
    branch_id: uuid.UUID
    status: str
    expected_date: date | None
    created_at: datetime


class ReceiptBrief(ReadModel):
    id: uuid.UUID
    number: str
    branch_id: uuid.UUID
    purchase_order_id: uuid.UUID | None
    received_on: date
    status: str
    on_credit: bool
    due_date: date | None
    total_uzs: DecimalNumber | None
    total_usd: DecimalNumber | None


class SupplierCard(ReadModel):
    supplier: SupplierSummary
    recent_orders: list[OrderBrief]
    recent_receipts: list[ReceiptBrief]
    recent_payments: list[SupplierPaymentRead]
    balance: SupplierBalance
