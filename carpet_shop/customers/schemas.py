from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from carpet_shop.core.schemas import Name, ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber
from carpet_shop.customers.phone import UzPhone
from carpet_shop.debts.schemas import DebtRead

Note = Annotated[str, StringConstraints(max_length=500)]


class CustomerCreate(RequestModel):
    name: Name = Field(examples=["Aziz Rahimov"])
    phone: UzPhone = Field(examples=["+998 90 123 45 67"])
    note: Note | None = None


class CustomerUpdate(RequestModel):
    """Only the fields sent change; `note: null` clears the note."""

    name: Name | None = None
    phone: UzPhone | None = None
    note: Note | None = None


class CustomerRead(ReadModel):
    id: uuid.UUID
    name: str
    phone: str
    note: str | None
    registered_branch_id: uuid.UUID | None
    created_by_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


class CustomerHit(ReadModel):
    """A search result for the global /api/search: enough to show and open it."""

    type: str = "customer"
    id: uuid.UUID
    title: str
    subtitle: str


class PurchaseRead(ReadModel):
    """A sale to the customer, without any cost or profit figure (sellers see these)."""

    id: uuid.UUID
    receipt_number: str
    branch_id: uuid.UUID
    seller_id: uuid.UUID
    date: datetime
    amount: DecimalNumber
    refunded_amount: DecimalNumber


class CustomerTotals(ReadModel):
    outstanding_amount: DecimalNumber = Decimal("0")
    overdue_amount: DecimalNumber = Decimal("0")
    open_debts_count: int = 0


class CustomerProfile(CustomerRead):
    """The customer with what the caller may see of their debts and purchases.

    For a seller, `debts`, `purchases` and the totals cover their own branch only.
    """

    totals: CustomerTotals
    debts: list[DebtRead]
    purchases: list[PurchaseRead]
    purchases_count: int
