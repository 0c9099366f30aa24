"""Discounts (additions 3B): the director runs promotions; a sale takes the best one per item."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.branches.repository import BranchRepository
from carpet_shop.catalog.models import Category
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import NotFound, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.money import HUNDRED, ZERO, round_money
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import BranchScope
from carpet_shop.discounts.models import Discount, DiscountScope, DiscountType
from carpet_shop.discounts.repository import DiscountRepository, RunningDiscount
from carpet_shop.discounts.schemas import DiscountCreate, DiscountFields, DiscountUpdate

ENTITY = "discount"
AUDITED_FIELDS = tuple(DiscountFields.model_fields)


def discounted_price(list_price: Decimal, kind: DiscountType, value: Decimal) -> Decimal:
    """One piece's or metre's price after a discount: a percentage rounds to the tiyin (half
    up); a fixed amount is taken off each piece or metre, never below zero."""
    if kind == DiscountType.PERCENTAGE:
        return round_money(list_price * (HUNDRED - min(value, HUNDRED)) / HUNDRED)
    return max(list_price - value, ZERO)


@dataclass(frozen=True)
class AppliedDiscount:
    discount_id: uuid.UUID
    price: Decimal  # the standard price of one piece or metre after the discount


class Discountable(Protocol):
    """What choosing a product's discount needs: a loaded `Product`, or a row read as columns."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def category(self) -> Category: ...
    @property
    def collection_id(self) -> uuid.UUID: ...
    @property
    def standard_price(self) -> Decimal: ...


def _applies(discount: RunningDiscount, product: Discountable) -> bool:
    if discount.applicable_to == DiscountScope.ALL:
        return True
    if discount.applicable_to == DiscountScope.CATEGORY:
        return discount.target_category == product.category
    if discount.applicable_to == DiscountScope.COLLECTION:
        return discount.target_id == product.collection_id
    return discount.target_id == product.id


def best_for(
    session: Session, products: Sequence[Discountable], branch_id: uuid.UUID, at: datetime
) -> dict[uuid.UUID, AppliedDiscount]:
    """The best discount running at `at` for each product (the lowest resulting price), in one
    query. Ties go to the discount that started first, then the smaller id, so the choice is
    stable. Products without a discount are absent."""
    if not products:
        return {}
    running = DiscountRepository(session).running_for(
        at=at,
        branch_id=branch_id,
        product_ids={p.id for p in products},
        collection_ids={p.collection_id for p in products},
        categories={p.category for p in products},
    )
    best: dict[uuid.UUID, AppliedDiscount] = {}
    for product in products:
        candidates = [
            (discounted_price(product.standard_price, d.discount_type, d.discount_value), d)
            for d in running
            if _applies(d, product)
        ]
        if not candidates:
            continue
        price, chosen = min(candidates, key=lambda c: (c[0], c[1].start_date, str(c[1].id)))
        if price < product.standard_price:
            best[product.id] = AppliedDiscount(chosen.id, price)
    return best


def _check(session: Session, data: DiscountFields) -> None:
    if data.discount_type == DiscountType.PERCENTAGE and data.discount_value > HUNDRED:
        raise ValidationFailed.field("discount_value", "A percentage is at most 100")
    if data.end_date is not None and data.end_date <= data.start_date:
        raise ValidationFailed.field("end_date", "end_date must be after start_date")
    repo = DiscountRepository(session)
    scope = data.applicable_to
    if scope in (DiscountScope.ALL, DiscountScope.CATEGORY) and data.target_id is not None:
        raise ValidationFailed.field(
            "target_id", Message("A {scope} discount has no target_id", scope=scope.value)
        )
    if scope != DiscountScope.CATEGORY and data.target_category is not None:
        raise ValidationFailed.field("target_category", "Only a CATEGORY discount has one")
    if scope == DiscountScope.CATEGORY and data.target_category is None:
        raise ValidationFailed.field("target_category", "A CATEGORY discount needs a category")
    if scope == DiscountScope.COLLECTION and (
        data.target_id is None or not repo.collection_exists(data.target_id)
    ):
        raise ValidationFailed.field("target_id", "A COLLECTION discount needs a collection")
    if scope == DiscountScope.PRODUCT and (
        data.target_id is None or not repo.product_exists(data.target_id)
    ):
        raise ValidationFailed.field("target_id", "A PRODUCT discount needs a live product")
    if data.branch_id is not None and not BranchRepository(session).is_live(data.branch_id):
        raise ValidationFailed.field(
            "branch_id", Message("Branch {branch_id} does not exist", branch_id=data.branch_id)
        )


def get_discount(session: Session, discount_id: uuid.UUID) -> Discount:
    discount = DiscountRepository(session).get_live(discount_id)
    if discount is None:
        raise NotFound.of("Discount", discount_id)
    return discount


def read_discount(session: Session, scope: BranchScope, discount_id: uuid.UUID) -> Discount:
    discount = get_discount(session, discount_id)
    if discount.branch_id is not None:
        scope.check(discount.branch_id)
    return discount


def list_discounts(
    session: Session,
    scope: BranchScope,
    page: PageParams,
    *,
    applicable_to: DiscountScope | None = None,
    active_at: datetime | None = None,
    is_active: bool | None = None,
) -> tuple[Sequence[Discount], int]:
    repo = DiscountRepository(session)
    stmt = repo.search(
        visible_branch_id=scope.allowed_branch_id,
        branch_id=scope.requested_branch_id,
        applicable_to=applicable_to,
        active_at=active_at,
        is_active=is_active,
    )
    return repo.paginate(stmt, page)


def create_discount(session: Session, actor: Actor, clock: Clock, data: DiscountCreate) -> Discount:
    fields = DiscountFields.model_validate(data.model_dump())
    _check(session, fields)
    now = clock.now()
    discount = DiscountRepository(session).add(
        Discount(**fields.model_dump(), created_by_id=actor.id, created_at=now, updated_at=now)
    )
    audit.log_created(session, actor, clock, ENTITY, discount, AUDITED_FIELDS)
    return discount


def update_discount(
    session: Session, actor: Actor, clock: Clock, discount_id: uuid.UUID, data: DiscountUpdate
) -> Discount:
    discount = get_discount(session, discount_id)
    before = audit.snapshot(discount, AUDITED_FIELDS)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    merged = DiscountFields.model_validate({**before, **changes})
    _check(session, merged)
    for name, value in merged.model_dump().items():
        setattr(discount, name, value)
    discount.updated_at = clock.now()
    session.flush()
    audit.log_updated(session, actor, clock, ENTITY, discount, before)
    return discount


def delete_discount(session: Session, actor: Actor, clock: Clock, discount_id: uuid.UUID) -> None:
    discount = get_discount(session, discount_id)
    now = clock.now()
    DiscountRepository(session).soft_delete(discount, by=actor.id, at=now)
    audit.log_deleted(session, actor, clock, ENTITY, discount.id, now)
