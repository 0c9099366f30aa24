"""Purchase orders: what the shop asks a supplier for, delivered to one branch (PO-000123).

draft (editable) → ordered → partially_received → received as goods receipts fill the lines
(goods_receipts/service.py), or cancelled (a draft, or an order nothing arrived for yet).
Every document and state change leaves an audit row.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.branches.repository import BranchRepository
from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.models import ProductType
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import NotFound, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.periods import Window
from carpet_shop.core.repository import BranchScope
from carpet_shop.numbering.repository import PURCHASE_ORDER, DocumentCounterRepository
from carpet_shop.purchase_orders import errors
from carpet_shop.purchase_orders.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)
from carpet_shop.purchase_orders.repository import PurchaseOrderRepository
from carpet_shop.purchase_orders.schemas import (
    ExpectedOrderRead,
    OrderCreate,
    OrderLineIn,
    OrderUpdate,
)
from carpet_shop.suppliers.models import Supplier

ENTITY = "purchase_order"
AUDITED_FIELDS = ("number", "supplier_id", "branch_id", "status", "expected_date", "note")
ZERO = Decimal("0")
# Statuses goods may still arrive in.
RECEIVABLE = (
    PurchaseOrderStatus.ORDERED,
    PurchaseOrderStatus.PARTIALLY_RECEIVED,
    PurchaseOrderStatus.RECEIVED,
)


def live_supplier(session: Session, supplier_id: uuid.UUID, field: str = "supplier_id") -> Supplier:
    supplier = session.get(Supplier, supplier_id)
    if supplier is None or supplier.deleted_at is not None:
        raise ValidationFailed.field(
            field, Message("No supplier {supplier_id} to buy from", supplier_id=supplier_id)
        )
    return supplier


def live_branch(session: Session, branch_id: uuid.UUID, field: str = "branch_id") -> None:
    if not BranchRepository(session).is_live(branch_id):
        raise ValidationFailed.field(field, Message("No branch {branch_id}", branch_id=branch_id))


def check_quantity(kind: ProductType, quantity: Decimal, name: str, field: str) -> None:
    """Whole pieces for unit products; metres (to the centimetre, by the schema) for rolls."""
    if kind == ProductType.UNIT and quantity != quantity.to_integral_value():
        raise ValidationFailed.field(field, Message("{name} is sold by whole pieces", name=name))


def _lines(
    session: Session, supplier: Supplier, given: Sequence[OrderLineIn]
) -> list[PurchaseOrderLine]:
    seen: set[tuple[uuid.UUID, str | None]] = set()
    lines = []
    for n, item in enumerate(given):
        product = catalog_service.get_product(session, item.product_id)
        size, _new = catalog_service.incoming_size(session, product, item.size, f"lines.{n}.size")
        if (product.id, size) in seen:
            raise ValidationFailed.field(
                f"lines.{n}.product_id", "This product and size is listed twice"
            )
        seen.add((product.id, size))
        check_quantity(product.type, item.quantity, product.name, f"lines.{n}.quantity")
        lines.append(
            PurchaseOrderLine(
                position=n + 1,
                product_id=product.id,
                size=size,
                quantity=item.quantity,
                received_quantity=ZERO,
                buy_price=item.buy_price,
                currency=item.currency or supplier.currency,
            )
        )
    return lines


def _audit_lines(order: PurchaseOrder) -> list[dict[str, str | None]]:
    return [
        {
            "product_id": str(line.product_id),
            "size": line.size,
            "quantity": str(line.quantity),
            "buy_price": str(line.buy_price),
            "currency": line.currency.value,
        }
        for line in order.lines
    ]


def get_order(session: Session, order_id: uuid.UUID) -> PurchaseOrder:
    order = PurchaseOrderRepository(session).get(order_id)
    if order is None:
        raise NotFound.of("Purchase order", order_id)
    return order


def read_order(session: Session, scope: BranchScope, order_id: uuid.UUID) -> PurchaseOrder:
    order = get_order(session, order_id)
    PurchaseOrderRepository(session).check_readable(scope, order)
    return order


def expected_orders(
    session: Session, scope: BranchScope, page: PageParams
) -> tuple[list[ExpectedOrderRead], int]:
    """Orders the caller's branches still wait for, without prices: what a seller who takes
    goods in needs to find the order, its supplier and what remains of each line."""
    repo = PurchaseOrderRepository(session)
    orders, total = repo.paginate(repo.scoped(repo.expected(), scope), page)
    suppliers, products = repo.names(orders)
    return [ExpectedOrderRead.of(o, suppliers, products) for o in orders], total


def list_orders(
    session: Session,
    scope: BranchScope,
    page: PageParams,
    *,
    status: PurchaseOrderStatus | None = None,
    supplier_id: uuid.UUID | None = None,
    window: Window | None = None,
) -> tuple[Sequence[PurchaseOrder], int]:
    repo = PurchaseOrderRepository(session)
    stmt = repo.scoped(
        repo.listing(status=status, supplier_id=supplier_id, branch_id=None, window=window),
        scope,
    )
    return repo.paginate(stmt, page)


def create_order(session: Session, actor: Actor, clock: Clock, data: OrderCreate) -> PurchaseOrder:
    supplier = live_supplier(session, data.supplier_id)
    live_branch(session, data.branch_id)
    lines = _lines(session, supplier, data.lines)
    now = clock.now()
    order = PurchaseOrder(
        number=DocumentCounterRepository(session).next_number(PURCHASE_ORDER),
        supplier_id=supplier.id,
        branch_id=data.branch_id,
        status=PurchaseOrderStatus.DRAFT,
        expected_date=data.expected_date,
        note=data.note,
        created_by_id=actor.id,
        ordered_at=None,
        cancelled_at=None,
        created_at=now,
        updated_at=now,
    )
    order.lines = lines
    PurchaseOrderRepository(session).add(order)
    changes = audit.created(audit.snapshot(order, AUDITED_FIELDS))
    changes["lines"] = {"old": None, "new": _audit_lines(order)}
    audit.log(session, actor, clock, AuditAction.CREATE, ENTITY, order.id, changes)
    return order


def _locked(session: Session, order_id: uuid.UUID) -> PurchaseOrder:
    order = PurchaseOrderRepository(session).lock(order_id)
    if order is None:
        raise NotFound.of("Purchase order", order_id)
    return order


def update_order(
    session: Session, actor: Actor, clock: Clock, order_id: uuid.UUID, data: OrderUpdate
) -> PurchaseOrder:
    order = _locked(session, order_id)
    if order.status != PurchaseOrderStatus.DRAFT:
        raise errors.not_in_status(order, "edit")
    before = audit.snapshot(order, AUDITED_FIELDS)
    old_lines = _audit_lines(order)
    sent = data.model_fields_set
    if "supplier_id" in sent and data.supplier_id is not None:
        order.supplier_id = live_supplier(session, data.supplier_id).id
    if "branch_id" in sent and data.branch_id is not None:
        live_branch(session, data.branch_id)
        order.branch_id = data.branch_id
    if "expected_date" in sent:
        order.expected_date = data.expected_date
    if "note" in sent:
        order.note = data.note
    also: dict[str, object] = {}
    if data.lines is not None:
        supplier = live_supplier(session, order.supplier_id)
        new_lines = _lines(session, supplier, data.lines)
        order.lines.clear()
        # The old lines' positions go before the new ones take them.
        session.flush()
        order.lines.extend(new_lines)
        also["lines"] = {"old": old_lines, "new": _audit_lines(order)}
    order.updated_at = clock.now()
    session.flush()
    changes = audit.diff(before, audit.snapshot(order, AUDITED_FIELDS)) | also
    audit.log(session, actor, clock, AuditAction.UPDATE, ENTITY, order.id, changes)
    return order


def _move(
    session: Session,
    actor: Actor,
    clock: Clock,
    order: PurchaseOrder,
    allowed: tuple[PurchaseOrderStatus, ...],
    action: str,
    **values: object,
) -> PurchaseOrder:
    old = order.status
    if order.status not in allowed or not PurchaseOrderRepository(session).set_status(
        order, allowed, **values
    ):
        raise errors.not_in_status(order, action)
    new = values["status"]
    assert isinstance(new, PurchaseOrderStatus)
    audit.log(
        session,
        actor,
        clock,
        AuditAction.UPDATE,
        ENTITY,
        order.id,
        {"status": {"old": old.value, "new": new.value}},
    )
    return order


def place_order(session: Session, actor: Actor, clock: Clock, order_id: uuid.UUID) -> PurchaseOrder:
    """draft → ordered: the lines are frozen; goods receipts may now come against it."""
    order = _locked(session, order_id)
    now = clock.now()
    return _move(
        session,
        actor,
        clock,
        order,
        (PurchaseOrderStatus.DRAFT,),
        "order",
        status=PurchaseOrderStatus.ORDERED,
        ordered_at=now,
        updated_at=now,
    )


def cancel_order(
    session: Session, actor: Actor, clock: Clock, order_id: uuid.UUID
) -> PurchaseOrder:
    """A draft, or an order nothing has arrived for yet; goods already received stay."""
    order = _locked(session, order_id)
    if order.status == PurchaseOrderStatus.ORDERED and any(
        line.received_quantity > 0 for line in order.lines
    ):
        raise errors.already_received(order)
    now = clock.now()
    return _move(
        session,
        actor,
        clock,
        order,
        (PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.ORDERED),
        "cancel",
        status=PurchaseOrderStatus.CANCELLED,
        cancelled_at=now,
        updated_at=now,
    )


def status_after_receipt(order: PurchaseOrder) -> PurchaseOrderStatus:
    if all(line.received_quantity >= line.quantity for line in order.lines):
        return PurchaseOrderStatus.RECEIVED
    if any(line.received_quantity > 0 for line in order.lines):
        return PurchaseOrderStatus.PARTIALLY_RECEIVED
    return order.status
