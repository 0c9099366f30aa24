from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, or_, select

from carpet_shop.catalog.models import Category, Collection, Product
from carpet_shop.core.prepared import Prepared
from carpet_shop.core.repository import SoftDeleteRepository
from carpet_shop.discounts.models import Discount, DiscountScope, DiscountType


def _running_at(at: datetime | BindParameter[Any]) -> tuple[ColumnElement[bool], ...]:
    return (
        Discount.deleted_at.is_(None),
        Discount.is_active.is_(True),
        Discount.start_date <= at,
        or_(Discount.end_date.is_(None), Discount.end_date > at),
    )


class RunningDiscount(NamedTuple):
    """What a sale needs of a discount to choose the best one for an item."""

    id: uuid.UUID
    discount_type: DiscountType
    discount_value: Decimal
    applicable_to: DiscountScope
    target_id: uuid.UUID | None
    target_category: Category | None
    start_date: datetime


# Every sale asks this: prepared once, with the values bound at execution (empty lists are
# fine).
_RUNNING_FOR = Prepared(
    select(*(getattr(Discount, name) for name in RunningDiscount._fields)).where(
        *_running_at(bindparam("at")),
        or_(Discount.branch_id.is_(None), Discount.branch_id == bindparam("branch_id")),
        or_(
            Discount.applicable_to == DiscountScope.ALL,
            (Discount.applicable_to == DiscountScope.PRODUCT)
            & Discount.target_id.in_(bindparam("product_ids", expanding=True)),
            (Discount.applicable_to == DiscountScope.COLLECTION)
            & Discount.target_id.in_(bindparam("collection_ids", expanding=True)),
            (Discount.applicable_to == DiscountScope.CATEGORY)
            & Discount.target_category.in_(bindparam("categories", expanding=True)),
        ),
    )
)


class DiscountRepository(SoftDeleteRepository[Discount]):
    model = Discount

    def search(
        self,
        *,
        visible_branch_id: uuid.UUID | None,
        branch_id: uuid.UUID | None,
        applicable_to: DiscountScope | None,
        active_at: datetime | None,
        is_active: bool | None,
    ) -> Select[Discount]:
        stmt = self.statement()
        if visible_branch_id is not None:
            # A seller sees the discounts that can apply in their branch.
            stmt = stmt.where(
                or_(Discount.branch_id.is_(None), Discount.branch_id == visible_branch_id)
            )
        if branch_id is not None:
            stmt = stmt.where(Discount.branch_id == branch_id)
        if applicable_to is not None:
            stmt = stmt.where(Discount.applicable_to == applicable_to)
        if active_at is not None:
            stmt = stmt.where(*_running_at(active_at))
        if is_active is not None:
            stmt = stmt.where(Discount.is_active.is_(is_active))
        return stmt.order_by(Discount.start_date.desc(), Discount.id)

    def running_for(
        self,
        *,
        at: datetime,
        branch_id: uuid.UUID,
        product_ids: Iterable[uuid.UUID],
        collection_ids: Iterable[uuid.UUID],
        categories: Iterable[Category],
    ) -> list[RunningDiscount]:
        """Every discount running at `at` that could apply to one of these products."""
        params = {
            "at": at,
            "branch_id": branch_id,
            "product_ids": list(product_ids),
            "collection_ids": list(collection_ids),
            "categories": list(categories),
        }
        rows = _RUNNING_FOR.rows(self.connection, params)
        return [RunningDiscount._make(row) for row in rows]

    def collection_exists(self, collection_id: uuid.UUID) -> bool:
        stmt = select(Collection.id).where(Collection.id == collection_id)
        return self.session.scalar(stmt) is not None

    def product_exists(self, product_id: uuid.UUID) -> bool:
        stmt = select(Product.id).where(Product.id == product_id, Product.deleted_at.is_(None))
        return self.session.scalar(stmt) is not None
