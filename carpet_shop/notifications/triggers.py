"""The causes of notifications, one function each, called in the cause's own transaction.

Each event has a key naming the cause itself (the stock movement that crossed a threshold,
the sale, the transfer's step, the debt's deadline), so it fans out once however often it
is reached.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from carpet_shop.branches.models import Branch
from carpet_shop.catalog.models import ProductType
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.clock import Clock
from carpet_shop.notifications.models import (
    AlertType,
    NotificationEvent,
    NotificationType,
)
from carpet_shop.notifications.repository import NotificationRepository
from carpet_shop.notifications.service import Event, emit, shop_settings

ZERO = Decimal("0")


def _unit(kind: ProductType) -> str:
    return "m" if kind == ProductType.METER else "pcs"


@dataclass(frozen=True)
class _Rule:
    id: uuid.UUID
    threshold: Decimal
    is_active: bool


def _levels(
    session: Session, product_ids: Sequence[uuid.UUID], defaults: LowStockDefaults
) -> dict[uuid.UUID, tuple[Decimal | None, Decimal | None, dict[AlertType, _Rule]]]:
    """Per product: the low-stock level and the out-of-stock level (None: that alert is
    turned off), and its rules. A product's active rule wins; an inactive rule silences the
    alert; without a rule, LOW_STOCK uses the product's threshold or the shop's default."""
    found: dict[uuid.UUID, Any] = {}
    for row in NotificationRepository(session).level_rules(product_ids):
        product_id, kind, threshold, rule_id, alert_type, level, is_active = row
        _, _, rules = found.setdefault(product_id, (kind, threshold, {}))
        if rule_id is not None:
            rules[AlertType(alert_type)] = _Rule(rule_id, level, is_active)
    levels = {}
    for product_id, (kind, threshold, rules) in found.items():
        low_rule, out_rule = rules.get(AlertType.LOW_STOCK), rules.get(AlertType.OUT_OF_STOCK)
        if low_rule is not None:
            low = low_rule.threshold if low_rule.is_active else None
        elif threshold is not None:
            low = threshold
        else:
            low = defaults.metres if kind == ProductType.METER else defaults.pieces
        out = ZERO if out_rule is None else (out_rule.threshold if out_rule.is_active else None)
        levels[product_id] = (low, out, rules)
    return levels


def stock_taken(
    session: Session,
    clock: Clock,
    defaults: LowStockDefaults,
    products: Mapping[uuid.UUID, Any],
    movements: Sequence[Mapping[str, Any]],
) -> None:
    """LOW_STOCK or OUT_OF_STOCK for each movement that took a product's stock across its
    level (from above it to at or below it). Movements of one product are serialised by its
    row lock, so of many concurrent sales exactly one crosses; stock has to rise above the
    level again before another movement can cross it."""
    if not movements:
        return
    levels = _levels(session, list({m["product_id"] for m in movements}), defaults)
    now = clock.now()
    triggered: list[uuid.UUID] = []
    for movement in movements:
        product = products[movement["product_id"]]
        after: Decimal = movement["balance_after"]
        before = after - movement["delta"]
        low, out, rules = levels.get(product.id, (None, None, {}))
        if out is not None and before > out >= after:
            kind, level = AlertType.OUT_OF_STOCK, out
        elif low is not None and before > low >= after:
            kind, level = AlertType.LOW_STOCK, low
        else:
            continue
        rule = rules.get(kind)
        if rule is not None:
            triggered.append(rule.id)
        emit(
            session,
            clock,
            Event(
                type=NotificationType(kind.value),
                key=f"{kind.value}:{movement['id']}",
                data={
                    "product_id": product.id,
                    "product_name": product.name,
                    "stock": after,
                    "threshold": level,
                    "unit": _unit(product.type),
                    # Sizes are stock: the movement's balance is its size's, and says which.
                    **({"size": movement["size"]} if movement.get("size") else {}),
                },
                branch_id=product.branch_id,
                entity_type="product",
                entity_id=product.id,
                sellers_of=product.branch_id,
            ),
        )
    if triggered:
        NotificationRepository(session).mark_rules_triggered(triggered, now)


def stock_set(
    session: Session,
    clock: Clock,
    defaults: LowStockDefaults,
    product: Any,
    movement: Any,
) -> None:
    """`stock_taken` for a count or an edit (`ledger.set_level`'s movement, if any)."""
    if movement is None or movement.delta >= 0:
        return
    row = {
        "id": movement.id,
        "product_id": movement.product_id,
        "delta": movement.delta,
        "balance_after": movement.balance_after,
    }
    stock_taken(session, clock, defaults, {product.id: product}, [row])


def sale_completed(
    session: Session,
    clock: Clock,
    *,
    sale_id: uuid.UUID,
    receipt_number: str,
    amount: Decimal,
    branch_id: uuid.UUID,
    branch_name: str,
    seller_id: uuid.UUID,
    seller_name: str,
) -> None:
    """SALE_COMPLETED to the directors for a receipt at or above the director's threshold."""
    threshold = shop_settings(session).large_sale_threshold
    if threshold is None or amount < threshold:
        return
    emit(
        session,
        clock,
        Event(
            type=NotificationType.SALE_COMPLETED,
            key=f"SALE_COMPLETED:{sale_id}",
            data={
                "sale_id": sale_id,
                "receipt_number": receipt_number,
                "amount": amount,
                "threshold": threshold,
                "branch_name": branch_name,
                "seller_name": seller_name,
            },
            branch_id=branch_id,
            entity_type="sale",
            entity_id=sale_id,
            exclude=seller_id,
        ),
    )


def _branch_names(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = session.execute(select(Branch.id, Branch.name).where(Branch.id.in_(list(ids))))
    return {branch_id: name for branch_id, name in rows}


def transfer_step(
    session: Session, clock: Clock, transfer: Any, step: str, actor_id: uuid.UUID
) -> None:
    """PRODUCT_TRANSFERRED: the target branch when goods are `sent`, the source branch when
    they are `received` or `cancelled`; directors always (not who did it)."""
    source, target = transfer.from_branch_id, transfer.to_branch_id
    names = _branch_names(session, (source, target))
    told = target if step == "sent" else source
    transfer_id, product = transfer.id, transfer.product
    emit(
        session,
        clock,
        Event(
            type=NotificationType.PRODUCT_TRANSFERRED,
            key=f"PRODUCT_TRANSFERRED:{transfer_id}:{step}",
            data={
                "transfer_id": transfer_id,
                "step": step,
                "product_id": product.id,
                "product_name": product.name,
                "quantity": transfer.quantity,
                "unit": _unit(product.type),
                "from_branch_id": source,
                "from_branch_name": names.get(source, ""),
                "to_branch_id": target,
                "to_branch_name": names.get(target, ""),
            },
            branch_id=told,
            entity_type="transfer",
            entity_id=transfer_id,
            sellers_of=told,
            exclude=actor_id,
        ),
    )


def return_requested(
    session: Session,
    clock: Clock,
    *,
    return_id: uuid.UUID,
    receipt_number: str,
    refund_amount: Decimal,
    branch_id: uuid.UUID,
    requested_by: tuple[uuid.UUID, str],
) -> None:
    emit(
        session,
        clock,
        Event(
            type=NotificationType.RETURN_REQUESTED,
            key=f"RETURN_REQUESTED:{return_id}",
            data={
                "return_id": return_id,
                "receipt_number": receipt_number,
                "refund_amount": refund_amount,
                "requested_by": requested_by[1],
            },
            branch_id=branch_id,
            entity_type="return",
            entity_id=return_id,
            exclude=requested_by[0],
        ),
    )


def return_decided(
    session: Session,
    clock: Clock,
    *,
    return_id: uuid.UUID,
    decision: str,
    receipt_number: str,
    refund_amount: Decimal,
    branch_id: uuid.UUID,
    requester_id: uuid.UUID | None,
    decided_by: uuid.UUID,
) -> None:
    """RETURN_DECIDED to whoever asked for the return (not when they decided it themselves)."""
    if requester_id is None:
        return
    emit(
        session,
        clock,
        Event(
            type=NotificationType.RETURN_DECIDED,
            key=f"RETURN_DECIDED:{return_id}",
            data={
                "return_id": return_id,
                "decision": decision,
                "receipt_number": receipt_number,
                "refund_amount": refund_amount,
            },
            branch_id=branch_id,
            entity_type="return",
            entity_id=return_id,
            directors=False,
            users=(requester_id,),
            exclude=decided_by,
        ),
    )


def stock_adjusted(
    session: Session,
    clock: Clock,
    *,
    movement_id: uuid.UUID,
    product: Any,
    before: Decimal,
    after: Decimal,
    adjusted_by: tuple[uuid.UUID, str],
) -> None:
    """STOCK_ADJUSTED to the directors when a seller sets a product's stock by a count."""
    emit(
        session,
        clock,
        Event(
            type=NotificationType.STOCK_ADJUSTED,
            key=f"STOCK_ADJUSTED:{movement_id}",
            data={
                "product_id": product.id,
                "product_name": product.name,
                "before": before,
                "after": after,
                "unit": _unit(product.type),
                "adjusted_by": adjusted_by[1],
            },
            branch_id=product.branch_id,
            entity_type="product",
            entity_id=product.id,
            exclude=adjusted_by[0],
        ),
    )


def debt_event(
    session: Session,
    clock: Clock,
    kind: NotificationType,
    *,
    debt_id: uuid.UUID,
    branch_id: uuid.UUID,
    deadline: date,
    remaining_amount: Decimal,
    customer: tuple[str, str],
) -> None:
    """OVERDUE_DEBT or DEBT_DUE_SOON, once per debt and deadline (a new deadline is a new
    promise, and is reminded of again)."""
    emit(
        session,
        clock,
        Event(
            type=kind,
            key=debt_key(kind, debt_id, deadline),
            data={
                "debt_id": debt_id,
                "customer_name": customer[0],
                "customer_phone": customer[1],
                "remaining_amount": remaining_amount,
                "payment_deadline": deadline,
            },
            branch_id=branch_id,
            entity_type="debt",
            entity_id=debt_id,
            sellers_of=branch_id,
        ),
    )


def debt_key(kind: NotificationType, debt_id: uuid.UUID, deadline: date) -> str:
    return f"{kind.value}:{debt_id}:{deadline.isoformat()}"


def keys_exist(session: Session, keys: Iterable[str]) -> set[str]:
    wanted = list(keys)
    if not wanted:
        return set()
    return set(
        session.scalars(select(NotificationEvent.key).where(NotificationEvent.key.in_(wanted)))
    )


# Purchasing


def receipt_needs_cost(
    session: Session, clock: Clock, receipt: Any, received_by: str, actor_id: uuid.UUID
) -> None:
    """RECEIPT_NEEDS_COST: a seller received goods no order priced; the directors set the
    cost (POST /api/goods-receipts/{id}/costs)."""
    names = _branch_names(session, (receipt.branch_id,))
    emit(
        session,
        clock,
        Event(
            type=NotificationType.RECEIPT_NEEDS_COST,
            key=f"RECEIPT_NEEDS_COST:{receipt.id}",
            data={
                "goods_receipt_id": receipt.id,
                "number": receipt.number,
                "branch_id": receipt.branch_id,
                "branch_name": names.get(receipt.branch_id, ""),
                "lines": sum(1 for line in receipt.lines if line.buy_price is None),
                "received_by": received_by,
            },
            branch_id=receipt.branch_id,
            entity_type="goods_receipt",
            entity_id=receipt.id,
            exclude=actor_id,
        ),
    )
