from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.catalog.models import Category
from carpet_shop.core.models import Base, IdMixin, SoftDeleteMixin, TimestampMixin


class DiscountType(enum.StrEnum):
    PERCENTAGE = "PERCENTAGE"  # discount_value % off the list price
    FIXED_AMOUNT = "FIXED_AMOUNT"  # discount_value so'm off each piece or metre


class DiscountScope(enum.StrEnum):
    ALL = "ALL"
    CATEGORY = "CATEGORY"
    COLLECTION = "COLLECTION"
    PRODUCT = "PRODUCT"


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
    )


class Discount(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A promotion that lowers the standard price of what it applies to while it runs."""

    __tablename__ = "discounts"

    name: Mapped[str] = mapped_column(String(120))
    discount_type: Mapped[DiscountType] = mapped_column(_enum(DiscountType, "discount_type"))
    # Percent (0 < v <= 100) or so'm per piece / metre.
    discount_value: Mapped[Decimal]
    applicable_to: Mapped[DiscountScope] = mapped_column(_enum(DiscountScope, "discount_scope"))
    # The collection or product (COLLECTION / PRODUCT); categories are names, not rows.
    target_id: Mapped[uuid.UUID | None]
    target_category: Mapped[Category | None] = mapped_column(
        _enum(Category, "discount_category"), default=None
    )
    # None: every branch.
    branch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("branches.id"), default=None)
    start_date: Mapped[datetime]
    # None: open-ended. The window is [start_date, end_date).
    end_date: Mapped[datetime | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (
        CheckConstraint("discount_value > 0", name="value_positive"),
        CheckConstraint("end_date IS NULL OR end_date > start_date", name="window_ordered"),
        Index("ix_discounts_active_start", "is_active", "start_date"),
    )
