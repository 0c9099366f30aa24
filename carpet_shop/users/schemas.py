from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber
from carpet_shop.users.models import Role

Username = Annotated[
    str,
    StringConstraints(min_length=3, max_length=50, pattern=r"^[A-Za-z0-9_.\-]+$", to_lower=True),
]
# Never trimmed: a space is part of a password.
Password = Annotated[str, StringConstraints(min_length=6, max_length=128, strip_whitespace=False)]
FullName = Annotated[str, StringConstraints(max_length=120)]
# Percent of each sale paid to a seller as commission; set by admins, zero for admins.
CommissionRate = Annotated[
    Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2, allow_inf_nan=False)
]


class UserCreate(RequestModel):
    username: Username = Field(examples=["seller3"])
    password: Password
    full_name: FullName = ""
    role: Role = Role.SELLER
    branch_id: uuid.UUID | None = None
    can_add_products: bool = False
    is_active: bool = True
    commission_rate: CommissionRate = Field(default=Decimal("0"), examples=[2.5])


class UserUpdate(RequestModel):
    """Every field optional; only those sent change. Sellers may send full_name and password."""

    username: Username | None = None
    password: Password | None = None
    current_password: Annotated[str, StringConstraints(max_length=128, strip_whitespace=False)] | (
        None
    ) = Field(default=None, description="Required to change one's own password")
    full_name: FullName | None = None
    role: Role | None = None
    branch_id: uuid.UUID | None = None
    can_add_products: bool | None = None
    is_active: bool | None = None
    commission_rate: CommissionRate | None = None


SELF_EDITABLE_FIELDS = frozenset({"full_name", "password", "current_password"})


class UserRead(ReadModel):
    id: uuid.UUID
    username: str
    full_name: str
    role: Role
    branch_id: uuid.UUID | None
    can_add_products: bool
    is_active: bool
    commission_rate: DecimalNumber
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    locked_until: datetime | None = None
