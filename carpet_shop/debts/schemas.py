from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from carpet_shop.core.dates import ShopDay
from carpet_shop.core.schemas import Name, ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber, PositiveMoney
from carpet_shop.customers.phone import UzPhone
from carpet_shop.debts.models import Debt, DebtPaymentType, DebtStatus, Payment
from carpet_shop.debts.status import days_overdue, status_of

Note = Annotated[str, StringConstraints(max_length=500)]


class DebtCreate(RequestModel):
    """The customer by `customer_id`, or by `customer_name` and `customer_phone` (found in
    the registry by phone, or registered)."""

    customer_id: uuid.UUID | None = None
    customer_name: Name | None = Field(default=None, examples=["Aziz Rahimov"])
    customer_phone: UzPhone | None = Field(default=None, examples=["+998 90 123 45 67"])
    total_amount: PositiveMoney = Field(examples=[1500000])
    payment_deadline: ShopDay = Field(description="Last shop day to pay; must be after today")
    note: Note | None = None
    sale_id: uuid.UUID | None = Field(default=None, description="The sale this credit is for")
    branch_id: uuid.UUID | None = Field(
        default=None, description="Admins: the branch (else the sale's); sellers: their own"
    )


class DebtUpdate(RequestModel):
    """Only the fields sent change.

    `customer_id` moves the debt to another customer; `customer_name` / `customer_phone`
    correct the registry entry of the debt's customer. A new `payment_deadline` (a
    reschedule) must be after today. `total_amount` only while nothing has been paid.
    """

    customer_id: uuid.UUID | None = None
    customer_name: Name | None = None
    customer_phone: UzPhone | None = None
    note: Note | None = None
    payment_deadline: ShopDay | None = None
    total_amount: PositiveMoney | None = None


class DebtRead(ReadModel):
    id: uuid.UUID
    customer_id: uuid.UUID
    customer_name: str
    customer_phone: str
    branch_id: uuid.UUID
    seller_id: uuid.UUID
    created_by_id: uuid.UUID
    sale_id: uuid.UUID | None
    total_amount: DecimalNumber
    paid_amount: DecimalNumber
    returned_amount: DecimalNumber
    remaining_amount: DecimalNumber
    payment_deadline: date
    status: DebtStatus = Field(description="True status as of this answer, never stale")
    days_overdue: int
    note: str | None
    overdue_notified_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, debt: Debt, today: date) -> DebtRead:
        remaining, deadline = debt.remaining_amount, debt.payment_deadline
        return cls(
            id=debt.id,
            customer_id=debt.customer_id,
            customer_name=debt.customer.name,
            customer_phone=debt.customer.phone,
            branch_id=debt.branch_id,
            seller_id=debt.seller_id,
            created_by_id=debt.created_by_id,
            sale_id=debt.sale_id,
            total_amount=debt.total_amount,
            paid_amount=debt.total_amount - debt.returned_amount - remaining,
            returned_amount=debt.returned_amount,
            remaining_amount=remaining,
            payment_deadline=deadline,
            status=status_of(remaining, deadline, today),
            days_overdue=days_overdue(remaining, deadline, today),
            note=debt.note,
            overdue_notified_at=debt.overdue_notified_at,
            created_at=debt.created_at,
            updated_at=debt.updated_at,
        )


class PaymentCreate(RequestModel):
    amount: PositiveMoney = Field(examples=[500000])
    payment_type: DebtPaymentType = DebtPaymentType.CASH
    note: Note | None = None


class PaymentRead(ReadModel):
    id: uuid.UUID
    debt_id: uuid.UUID
    amount: DecimalNumber
    payment_type: DebtPaymentType
    note: str | None
    payment_date: datetime
    recorded_by: uuid.UUID
    created_at: datetime


class PaymentReceipt(ReadModel):
    """A recorded payment and the debt as it stands after it."""

    payment: PaymentRead
    debt: DebtRead

    @classmethod
    def of(cls, payment: Payment, debt: Debt, today: date) -> PaymentReceipt:
        return cls(payment=PaymentRead.model_validate(payment), debt=DebtRead.of(debt, today))


class DebtTotals(ReadModel):
    """Open debts (something remains) and their amounts."""

    outstanding_count: int
    outstanding_amount: DecimalNumber
    overdue_count: int
    overdue_amount: DecimalNumber
    due_this_week_count: int = Field(description="Not yet overdue, deadline by this Sunday")
    due_this_week_amount: DecimalNumber


class BranchDebtTotals(DebtTotals):
    branch_id: uuid.UUID
    branch_name: str


class DebtSummary(DebtTotals):
    today: date
    week_end: date
    branches: list[BranchDebtTotals]


class DebtHit(ReadModel):
    """A search result for the global /api/search."""

    type: str = "debt"
    id: uuid.UUID
    title: str
    subtitle: str
    branch_id: uuid.UUID
    remaining_amount: DecimalNumber
    status: DebtStatus
    payment_deadline: date
