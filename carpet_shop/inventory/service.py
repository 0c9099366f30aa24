"""Reading a product's ledger, correcting stock after a count, and what runs low."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.models import Product, ProductType
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import ValidationFailed
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import BranchScope
from carpet_shop.inventory import ledger
from carpet_shop.inventory.models import MovementKind, StockMovement
from carpet_shop.inventory.repository import StockRepository
from carpet_shop.inventory.schemas import AdjustRequest
from carpet_shop.notifications import triggers as notify


def list_movements(
    session: Session,
    scope: BranchScope,
    product_id: uuid.UUID,
    page: PageParams,
    kind: MovementKind | None = None,
) -> tuple[Sequence[StockMovement], int]:
    catalog_service.read_product(session, scope, product_id)
    repo = StockRepository(session)
    return repo.paginate(repo.for_product(product_id, kind), page)


def _counted(product: Product, data: AdjustRequest) -> Decimal:
    if product.type == ProductType.UNIT:
        if data.remaining_length is not None:
            raise ValidationFailed.field("remaining_length", "A unit product counts pieces")
        if data.quantity is None:
            raise ValidationFailed.field("quantity", "Send the counted quantity")
        return Decimal(data.quantity)
    if data.quantity is not None:
        raise ValidationFailed.field("quantity", "A meter product counts metres")
    if data.remaining_length is None:
        raise ValidationFailed.field("remaining_length", "Send the measured remaining_length")
    return data.remaining_length


def adjust(
    session: Session,
    actor: Actor,
    clock: Clock,
    product_id: uuid.UUID,
    data: AdjustRequest,
    *,
    low_stock: LowStockDefaults,
) -> tuple[Product, StockMovement | None]:
    """Make the stock what a count found; the difference is an `adjustment` movement. A
    seller's count notifies the directors (STOCK_ADJUSTED)."""
    product = catalog_service.get_product(session, product_id)
    actor.scope().check(product.branch_id)
    counted = _counted(product, data)
    field = "quantity" if product.type == ProductType.UNIT else "remaining_length"
    movement = ledger.set_level(
        session,
        clock,
        product,
        counted,
        MovementKind.ADJUSTMENT,
        ledger.Document("adjustment"),
        actor.id,
        data.reason,
        size=data.size,
    )
    notify.stock_set(session, clock, low_stock, product, movement)
    if actor.is_admin and product.needs_count:
        # Counted per size: the director's count settles where the stock is.
        product.needs_count = False
    if movement is not None:
        new: Decimal | int = movement.balance_after
        old: Decimal | int = new - movement.delta
        if product.type == ProductType.UNIT:
            old, new = int(old), int(new)
        audit.log(
            session,
            actor,
            clock,
            AuditAction.UPDATE,
            catalog_service.ENTITY,
            product.id,
            {
                **({"size": {"old": None, "new": movement.size}} if movement.size else {}),
                field: {"old": old, "new": new},
                "adjustment_reason": {"old": None, "new": data.reason},
            },
        )
        if not actor.is_admin:
            notify.stock_adjusted(
                session,
                clock,
                movement_id=movement.id,
                product=product,
                before=movement.balance_after - movement.delta,
                after=movement.balance_after,
                adjusted_by=(actor.id, actor.user.full_name or actor.user.username),
            )
    return product, movement


def list_low_stock(
    session: Session, scope: BranchScope, defaults: LowStockDefaults, page: PageParams
) -> tuple[Sequence[Product], int]:
    return catalog_service.list_low_stock(session, scope, defaults, page)


def count_low_stock(session: Session, scope: BranchScope, defaults: LowStockDefaults) -> int:
    return catalog_service.count_low_stock(session, scope, defaults)


def count_low_stock_sizes(session: Session, scope: BranchScope, defaults: LowStockDefaults) -> int:
    return catalog_service.count_low_stock_sizes(session, scope, defaults)


def list_needs_count(
    session: Session, scope: BranchScope, page: PageParams
) -> tuple[Sequence[Product], int]:
    return catalog_service.list_needs_count(session, scope, page)
