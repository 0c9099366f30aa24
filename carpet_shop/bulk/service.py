"""Bulk price changes and deletes: one transaction each, all or nothing, audited per product.

Products are chosen by id or by the product list's own filters (`catalog.filters`), so "all
Kovriy carpets of Chilonzor" means here what it means on the list screen.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.bulk.schemas import (
    BulkPriceResult,
    BulkPriceUpdate,
    ChangeType,
    PriceChange,
    PriceField,
    PriceProblem,
    ProductPriceChange,
)
from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.models import Product
from carpet_shop.catalog.repository import ProductRepository
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict, NotFound, ValidationFailed
from carpet_shop.core.i18n import Message, translate
from carpet_shop.core.repository import BranchScope

ENTITY = "product"
HUNDREDTH = Decimal("0.01")
SELL_FIELDS = ("sell_price", "sell_price_per_meter")
BUY_FIELDS = ("buy_price",)


def _by_ids(session: Session, ids: Sequence[uuid.UUID]) -> list[Product]:
    wanted = list(dict.fromkeys(ids))
    stmt = select(Product).where(Product.id.in_(wanted), Product.deleted_at.is_(None))
    found = {p.id: p for p in session.scalars(stmt)}
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise NotFound(
            Message("{count} of the products do not exist or are deleted", count=len(missing)),
            details={"product_ids": missing},
        )
    return [found[i] for i in wanted]


def selected_products(session: Session, data: BulkPriceUpdate) -> list[Product]:
    if data.product_ids is not None:
        return _by_ids(session, data.product_ids)
    assert data.filters is not None
    query = data.filters
    filters = dataclasses.replace(query.filters(), include_deleted=False)
    scope = BranchScope(allowed_branch_id=None, requested_branch_id=query.branch_id)
    stmt, params = ProductRepository(session).filtered(select(Product), scope, filters)
    return list(session.scalars(stmt.order_by(Product.search_name, Product.id), params))


def _changed(old: Decimal, data: BulkPriceUpdate) -> Decimal:
    if data.change_type == ChangeType.PERCENTAGE:
        new = old * (100 + data.value) / 100
    elif data.change_type == ChangeType.FIXED:
        new = old + data.value
    else:
        new = data.value
    if data.round_to is not None:
        new = (new / data.round_to).to_integral_value(ROUND_HALF_UP) * data.round_to
    return new.quantize(HUNDREDTH, ROUND_HALF_UP)


def _fields(field: PriceField) -> tuple[str, ...]:
    if field == PriceField.SELL:
        return SELL_FIELDS
    if field == PriceField.BUY:
        return BUY_FIELDS
    return SELL_FIELDS + BUY_FIELDS


def update_prices(
    session: Session, actor: Actor, clock: Clock, data: BulkPriceUpdate, *, dry_run: bool
) -> BulkPriceResult:
    """New prices for the selected products; a dry run answers the same and writes nothing.
    One product that would get a price of zero or less refuses the whole change (422)."""
    products = selected_products(session, data)
    planned: list[tuple[Product, dict[str, PriceChange]]] = []
    problems: list[PriceProblem] = []
    reasons: list[Message] = []
    for product in products:
        changes: dict[str, PriceChange] = {}
        for name in _fields(data.field):
            old = getattr(product, name)
            if old is None:  # a piece has no price per metre
                continue
            new = _changed(old, data)
            if new <= 0:
                reason = Message(
                    "The new price would be {price}: it must be more than zero", price=new
                )
                reasons.append(reason)
                problems.append(
                    PriceProblem(
                        product_id=product.id,
                        name=product.name,
                        field=name,
                        message=translate(reason),
                    )
                )
            elif new != old:
                changes[name] = PriceChange(old=old, new=new)
        if changes:
            planned.append((product, changes))
    if problems and not dry_run:
        raise ValidationFailed(
            Message("{count} prices would not be valid; nothing was changed", count=len(problems)),
            details={
                "fields": [{"field": "value", "message": reason} for reason in reasons[:1]],
                "products": [p.model_dump(mode="json") for p in problems],
            },
        )
    if not dry_run:
        now = clock.now()
        for product, changes in planned:
            before = audit.snapshot(product, tuple(changes))
            for name, change in changes.items():
                setattr(product, name, change.new)
            product.updated_at = now
            audit.log_updated(
                session, actor, clock, ENTITY, product, before, also={"bulk": "price-update"}
            )
        session.flush()
    return BulkPriceResult(
        dry_run=dry_run,
        matched=len(products),
        changed=len(planned),
        products=[
            ProductPriceChange(product_id=p.id, name=p.name, branch_id=p.branch_id, changes=changes)
            for p, changes in planned
        ],
        errors=problems,
    )


def delete_products(
    session: Session, actor: Actor, clock: Clock, product_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """Soft-delete every product, or none: 409 lists each one that cannot go, and why."""
    wanted = list(dict.fromkeys(product_ids))
    repo = ProductRepository(session)
    stmt = select(Product).where(Product.id.in_(wanted), Product.deleted_at.is_(None))
    found = {p.id: p for p in session.scalars(stmt)}
    blocked: list[dict[str, object]] = []
    for product_id in wanted:
        product = found.get(product_id)
        if product is None:
            blocked.append(
                {
                    "product_id": str(product_id),
                    "name": None,
                    "reason": "not_found",
                    "message": translate("No such product, or already deleted"),
                }
            )
        elif repo.has_sales(product_id):
            blocked.append(
                {
                    "product_id": str(product_id),
                    "name": product.name,
                    "reason": "sales_history",
                    "message": translate("This product has sales history and cannot be deleted"),
                }
            )
        elif repo.transfers_in_transit(product_id):
            blocked.append(
                {
                    "product_id": str(product_id),
                    "name": product.name,
                    "reason": "transfers_in_transit",
                    "message": translate("Receive or cancel this product's transfers first"),
                }
            )
    if blocked:
        raise Conflict(
            Message(
                "{blocked} of {wanted} products cannot be deleted; nothing was deleted",
                blocked=len(blocked),
                wanted=len(wanted),
            ),
            details={"blocked": blocked},
        )
    for product_id in wanted:
        # The catalog's own delete: its checks again, the soft delete and its audit entry.
        catalog_service.delete_product(session, actor, clock, product_id)
    return wanted
