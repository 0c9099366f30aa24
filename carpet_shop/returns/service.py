"""Returns (additions 3A): a seller or the director asks, the director approves or rejects.

Nothing moves while a return is PENDING. Approval, in one transaction: the status (one
conditional UPDATE, so a second approval is refused), the returned quantities and refunds on
the sale's items and the sale (each UPDATE re-checks its bound), the settlement (on a credit
sale the returned value first reduces what is still owed, the rest is refunded:
`debts.service.settle_return`), the stock back through the ledger, the commission lowered,
and the audit entry.

Pending requests count: a new request is refused when, together with what was already
returned and what other PENDING requests ask for, it would take back more than was sold.
Requests on one sale are made one at a time (the sale row is locked), so two racing requests
cannot both take the last piece. A rejected request frees its quantities again.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.catalog.models import ProductType
from carpet_shop.commissions import service as commissions_service
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict, NotFound, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.money import ZERO
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.periods import Window
from carpet_shop.core.repository import BranchScope
from carpet_shop.debts import service as debts_service
from carpet_shop.inventory import ledger
from carpet_shop.inventory.models import MovementKind
from carpet_shop.notifications import triggers as notify
from carpet_shop.returns.models import ReturnItem, ReturnStatus, SaleReturn
from carpet_shop.returns.repository import ReturnRepository
from carpet_shop.returns.schemas import ReturnCreate, ReturnItemIn
from carpet_shop.sales import service as sales_service
from carpet_shop.sales.models import SaleItem
from carpet_shop.sales.pricing import allocate, share_of_amount

ENTITY = "return"


@dataclass(frozen=True)
class ReturnView:
    sale_return: SaleReturn
    receipt_number: str
    items: Sequence[tuple[ReturnItem, str]]  # with the product's name


def _views(repo: ReturnRepository, returns: Sequence[SaleReturn]) -> list[ReturnView]:
    ids = [r.id for r in returns]
    if not ids:
        return []
    items: dict[uuid.UUID, list[tuple[ReturnItem, str]]] = defaultdict(list)
    for row in repo.items_with_products(ids):
        items[row.ReturnItem.return_id].append((row.ReturnItem, row.product_name))
    receipts = repo.receipt_numbers(r.sale_id for r in returns)
    return [ReturnView(r, receipts.get(r.sale_id, ""), items[r.id]) for r in returns]


def _get(session: Session, return_id: uuid.UUID) -> SaleReturn:
    found = ReturnRepository(session).get(return_id)
    if found is None:
        raise NotFound.of("Return", return_id)
    return found


def read_return(session: Session, scope: BranchScope, return_id: uuid.UUID) -> ReturnView:
    found = _get(session, return_id)
    scope.check(found.branch_id)
    return _views(ReturnRepository(session), [found])[0]


def list_returns(
    session: Session,
    scope: BranchScope,
    page: PageParams,
    *,
    status: ReturnStatus | None = None,
    sale_id: uuid.UUID | None = None,
    window: Window | None = None,
) -> tuple[list[ReturnView], int]:
    repo = ReturnRepository(session)
    stmt = repo.search(scope, status=status, sale_id=sale_id, window=window)
    rows, total = repo.paginate(stmt, page)
    return _views(repo, rows), total


@dataclass(frozen=True)
class _Line:
    sale_item_id: uuid.UUID
    product_id: uuid.UUID
    quantity: Decimal
    paid_share: Decimal
    size: str | None = None


def _asked(body: ReturnCreate, sold: Sequence[SaleItem]) -> list[ReturnItemIn]:
    """The items a request takes back: its `items`, or the sale's line of `product_id`
    (the specification's form)."""
    single = body.product_id is not None or body.quantity is not None
    if body.items is not None:
        if single:
            raise ValidationFailed.field(
                "items", "Send items, or product_id and quantity, not both"
            )
        return body.items
    if not single:
        raise ValidationFailed.field("items", "Send items, or product_id and quantity")
    if body.product_id is None:
        raise ValidationFailed.field("product_id", "Which product of the sale comes back")
    if body.quantity is None:
        raise ValidationFailed.field("quantity", "How much of it comes back")
    lines = [item for item in sold if item.product_id == body.product_id]
    if not lines:
        raise ValidationFailed.field("product_id", "This product is not on the receipt")
    if len(lines) > 1:
        raise ValidationFailed.field(
            "product_id", "This product is on several lines: send items, each sale_item_id"
        )
    return [ReturnItemIn(sale_item_id=lines[0].id, quantity=body.quantity)]


def _lines(
    session: Session, repo: ReturnRepository, sale_id: uuid.UUID, body: ReturnCreate
) -> list[_Line]:
    sold = sales_service.items_of(session, sale_id)
    asked_items = _asked(body, sold)
    # The specification's form names its own fields in errors.
    single = body.items is None

    def at(n: int, name: str) -> str:
        if single:
            return "product_id" if name == "sale_item_id" else name
        return f"items.{n}.{name}"

    items = {i.id: i for i in sold}
    products = repo.products(i.product_id for i in items.values())
    pending = repo.pending_by_item(sale_id)
    errors: list[dict[str, str]] = []
    lines: list[_Line] = []
    seen: set[uuid.UUID] = set()
    for n, asked in enumerate(asked_items):
        item = items.get(asked.sale_item_id)
        if item is None or asked.sale_item_id in seen:
            problem = "Not an item of this sale" if item is None else "Listed twice"
            errors.append({"field": at(n, "sale_item_id"), "message": problem})
            continue
        seen.add(item.id)
        product = products[item.product_id]
        whole = asked.quantity == asked.quantity.to_integral_value()
        if product.type == ProductType.UNIT and not whole:
            message = Message("{name} is returned by whole pieces", name=product.name)
            errors.append({"field": at(n, "quantity"), "message": message})
            continue
        taken = item.returned_quantity + pending.get(item.id, ZERO)
        left = item.quantity - taken
        if asked.quantity > left:
            message = Message(
                "At most {left} of {name} can be returned: {quantity} sold, "
                "{returned_quantity} returned, {pending} pending",
                left=left,
                name=product.name,
                quantity=item.quantity,
                returned_quantity=item.returned_quantity,
                pending=pending.get(item.id, ZERO),
            )
            errors.append({"field": at(n, "quantity"), "message": message})
            continue
        share = share_of_amount(item.amount, item.quantity, taken, asked.quantity)
        lines.append(_Line(item.id, item.product_id, asked.quantity, share, item.size))
    if errors:
        raise ValidationFailed(errors[0]["message"], details={"fields": errors})
    return lines


def create_return(session: Session, actor: Actor, clock: Clock, body: ReturnCreate) -> ReturnView:
    sale = sales_service.lock_sale(session, body.sale_id)
    actor.scope().check(sale.branch_id)
    repo = ReturnRepository(session)
    lines = _lines(session, repo, sale.id, body)
    paid = sum((line.paid_share for line in lines), ZERO)
    refund = paid if body.refund_amount is None else body.refund_amount
    if refund > paid:
        raise ValidationFailed.field(
            "refund_amount",
            Message("At most {paid} was paid for these items and can be refunded", paid=paid),
        )
    now = clock.now()
    sale_return = repo.add(
        SaleReturn(
            sale_id=sale.id,
            branch_id=sale.branch_id,
            status=ReturnStatus.PENDING,
            reason=body.reason,
            reason_note=body.reason_note,
            refund_amount=refund,
            created_by_id=actor.id,
            created_at=now,
            updated_at=now,
        )
    )
    shares = allocate(refund, [line.paid_share for line in lines])
    items = [
        ReturnItem(
            return_id=sale_return.id,
            position=n,
            sale_item_id=line.sale_item_id,
            product_id=line.product_id,
            size=line.size,
            quantity=line.quantity,
            refund_amount=share,
        )
        for n, (line, share) in enumerate(zip(lines, shares, strict=True))
    ]
    session.add_all(items)
    session.flush()
    audit.log(
        session,
        actor,
        clock,
        AuditAction.CREATE,
        ENTITY,
        sale_return.id,
        audit.created(
            {
                "sale_id": sale.id,
                "status": sale_return.status,
                "reason": body.reason,
                "refund_amount": refund,
                "items": [{"sale_item_id": i.sale_item_id, "quantity": i.quantity} for i in items],
            }
        ),
    )
    notify.return_requested(
        session,
        clock,
        return_id=sale_return.id,
        receipt_number=sale.receipt_number,
        refund_amount=refund,
        branch_id=sale.branch_id,
        requested_by=(actor.id, actor.user.full_name or actor.user.username),
    )
    return _views(repo, [sale_return])[0]


def _decide(
    session: Session,
    actor: Actor,
    clock: Clock,
    return_id: uuid.UUID,
    status: ReturnStatus,
    note: str | None,
) -> SaleReturn:
    repo = ReturnRepository(session)
    sale_return = _get(session, return_id)
    if not repo.decide(return_id, status, by=actor.id, at=clock.now(), note=note):
        session.refresh(sale_return)
        raise Conflict(
            Message(
                "This return is already {status}", status=Message(sale_return.status.value.lower())
            )
        )
    session.refresh(sale_return)
    return sale_return


# What a decision changes on a return; all of it is PENDING's values before.
_UNDECIDED = {
    "status": ReturnStatus.PENDING,
    "decision_note": None,
    "debt_reduced": None,
    "cash_refund": None,
}


def _audit_decision(session: Session, actor: Actor, clock: Clock, sale_return: SaleReturn) -> None:
    audit.log_updated(session, actor, clock, ENTITY, sale_return, _UNDECIDED)
    sale = sales_service.lock_sale(session, sale_return.sale_id)
    notify.return_decided(
        session,
        clock,
        return_id=sale_return.id,
        decision="approved" if sale_return.status == ReturnStatus.APPROVED else "rejected",
        receipt_number=sale.receipt_number,
        refund_amount=sale_return.refund_amount,
        branch_id=sale_return.branch_id,
        requester_id=sale_return.created_by_id,
        decided_by=actor.id,
    )


def approve_return(
    session: Session,
    actor: Actor,
    clock: Clock,
    return_id: uuid.UUID,
    tz: ZoneInfo,
    note: str | None = None,
) -> ReturnView:
    sale_return = _decide(session, actor, clock, return_id, ReturnStatus.APPROVED, note)
    repo = ReturnRepository(session)
    view = _views(repo, [sale_return])[0]
    items = sorted((item for item, _ in view.items), key=lambda i: (str(i.product_id), i.position))
    sale = sales_service.lock_sale(session, sale_return.sale_id)
    net_amount = sales_service.record_return(
        session, sale, [(i.sale_item_id, i.quantity, i.refund_amount) for i in items], tz
    )
    products = repo.products(i.product_id for i in items)
    ledger.put(
        session,
        clock,
        # Back to the size sold.
        [ledger.StockLine(products[i.product_id], i.quantity, i.size) for i in items],
        MovementKind.RETURN,
        ledger.Document(ENTITY, sale_return.id),
        actor.id,
        reason=sale_return.reason.value,
    )
    # Locks the sale's debt, if any, after the sale row locked above: a payment landing
    # meanwhile waits and then sees the reduced remaining.
    debt_reduced, cash_refund = debts_service.settle_return(
        session, actor, clock, sale.id, sale_return.refund_amount, tz=tz
    )
    repo.settle(sale_return, debt_reduced=debt_reduced, cash_refund=cash_refund)
    commissions_service.adjust_for_refund(
        session, clock, sale_id=sale.id, net_amount=net_amount, return_id=sale_return.id
    )
    _audit_decision(session, actor, clock, sale_return)
    return view


def reject_return(
    session: Session, actor: Actor, clock: Clock, return_id: uuid.UUID, note: str | None = None
) -> ReturnView:
    sale_return = _decide(session, actor, clock, return_id, ReturnStatus.REJECTED, note)
    _audit_decision(session, actor, clock, sale_return)
    return _views(ReturnRepository(session), [sale_return])[0]
