from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints

from carpet_shop.core.schemas import Name, ReadModel, RequestModel
from carpet_shop.currency.models import Currency
from carpet_shop.suppliers.phone import SupplierPhone

Note = Annotated[str, StringConstraints(max_length=500)]
Country = Annotated[str, StringConstraints(min_length=1, max_length=60)]


class SupplierCreate(RequestModel):
    name: Name = Field(examples=["Samarqand Gilam"])
    phone: SupplierPhone | None = Field(
        default=None,
        examples=["+998 90 123 45 67", "+90 212 555 01 02"],
        description="An Uzbek number in any spelling, or +<country code and number>",
    )
    country: Country | None = Field(default=None, examples=["Uzbekistan", "Turkey"])
    currency: Currency = Field(
        default=Currency.UZS, description="What its orders are priced in unless a line says"
    )
    note: Note | None = None


class SupplierUpdate(RequestModel):
    """Only the fields sent change; `phone`, `country` or `note` null clears it."""

    not_null: ClassVar[frozenset[str]] = frozenset({"name", "currency"})

    name: Name | None = None
    phone: SupplierPhone | None = None
    country: Country | None = None
    currency: Currency | None = None
    note: Note | None = None


class SupplierRead(ReadModel):
    id: uuid.UUID
    name: str
    phone: str | None
    country: str | None
    currency: Currency
    note: str | None
    created_by_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
