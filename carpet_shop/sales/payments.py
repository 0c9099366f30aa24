"""How a receipt is paid: the one place payment lines are checked, and where a credit (debt)
line will become a debt.

Cash, card and transfer are taken as they are. `debt` (nasiya) is refused until the debts
module enables it: it will drop DEBT from REFUSED, check the customer and deadline in
`check`, and create the debt in `record_credit`, in the sale's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import ValidationFailed
from carpet_shop.core.money import ZERO
from carpet_shop.sales.models import PaymentType, Sale

REFUSED = {PaymentType.DEBT: "Credit (debt) sales are not available yet"}


@dataclass(frozen=True)
class PaymentLine:
    payment_type: PaymentType
    amount: Decimal
    field: str  # where it came from in the body, for error messages


def check(lines: Sequence[PaymentLine], total: Decimal) -> None:
    errors = [
        {"field": line.field, "message": REFUSED[line.payment_type]}
        for line in lines
        if line.payment_type in REFUSED
    ]
    if errors:
        raise ValidationFailed(errors[0]["message"], details={"fields": errors})
    paid = sum((line.amount for line in lines), ZERO)
    if paid != total:
        message = f"The payments add up to {paid} but the items to {total}"
        raise ValidationFailed(
            message, details={"fields": [{"field": "payments", "message": message}]}
        )


def record_credit(
    session: Session, actor: Actor, clock: Clock, sale: Sale, lines: Sequence[PaymentLine]
) -> None:
    """Hook for the debts module: create the debt of a sale's `debt` line here."""
    return
