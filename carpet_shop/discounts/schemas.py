from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import Field

from carpet_shop.catalog.models import Category
from carpet_shop.core.dates import ShopInstant
from carpet_shop.core.schemas import Name, ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber, PositiveMoney
from carpet_shop.discounts.models import DiscountScope, DiscountType


class DiscountCreate(RequestModel):
    name: Name = Field(examples=["Navro'z aksiyasi"])
    discount_type: DiscountType
    discount_value: PositiveMoney = Field(
        description="Percent (at most 100) or so'm off each piece or metre"
    )
    applicable_to: DiscountScope = DiscountScope.ALL
    target_id: uuid.UUID | None = Field(
        default=None, description="The collection (COLLECTION) or product (PRODUCT)"
    )
    target_category: Category | None = Field(default=None, description="For CATEGORY")
    branch_id: uuid.UUID | None = Field(default=None, description="Only this branch; all if null")
    start_date: ShopInstant
    end_date: ShopInstant | None = Field(default=None, description="Exclusive; open if null")
    is_active: bool = True


class DiscountUpdate(RequestModel):
    """Only the fields sent change; the result is checked as a whole."""

    name: Name | None = None
    discount_type: DiscountType | None = None
    discount_value: PositiveMoney | None = None
    applicable_to: DiscountScope | None = None
    target_id: uuid.UUID | None = None
    target_category: Category | None = None
    branch_id: uuid.UUID | None = None
    start_date: ShopInstant | None = None
    end_date: ShopInstant | None = None
    is_active: bool | None = None

    not_null = frozenset(
        {"name", "discount_type", "discount_value", "applicable_to", "start_date", "is_active"}
    )


class DiscountRead(ReadModel):
    id: uuid.UUID
    name: str
    discount_type: DiscountType
    discount_value: DecimalNumber
    applicable_to: DiscountScope
    target_id: uuid.UUID | None
    target_category: Category | None
    branch_id: uuid.UUID | None
    start_date: datetime
    end_date: datetime | None
    is_active: bool
    created_by_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class DiscountFields(RequestModel):
    """A discount's complete settings, checked together (create, or update merged)."""

    name: str
    discount_type: DiscountType
    discount_value: Decimal
    applicable_to: DiscountScope
    target_id: uuid.UUID | None
    target_category: Category | None
    branch_id: uuid.UUID | None
    start_date: datetime
    end_date: datetime | None
    is_active: bool
