"""Purchase orders' refusals, each with its contract code."""

from __future__ import annotations

from carpet_shop.core.errors import Conflict
from carpet_shop.core.i18n import Message
from carpet_shop.purchase_orders.models import PurchaseOrder


def not_in_status(order: PurchaseOrder, action: str) -> Conflict:
    """409 CONFLICT: the order's status does not allow `action` (edit, order, cancel)."""
    return Conflict(
        Message(
            "Purchase order {number} is {status}: it cannot be changed this way",
            number=order.number,
            status=order.status.value,
        ),
        details={"status": order.status.value, "action": action},
    )


def already_received(order: PurchaseOrder) -> Conflict:
    return Conflict(
        Message(
            "Purchase order {number} has goods received: it cannot be cancelled",
            number=order.number,
        ),
        details={"status": order.status.value, "action": "cancel"},
    )
