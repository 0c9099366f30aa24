"""How a receipt is paid: the one place payment lines are checked.

Cash, card and transfer are taken as they are. A `debt` line (nasiya) is the part the
customer will pay later: at most one per receipt, and it needs a `debt_deadline` (a deadline
without a debt line is a mistake too). `sales/credit.py` turns it into the sale's debt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from carpet_shop.core.errors import ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.money import ZERO
from carpet_shop.sales.models import PaymentType


@dataclass(frozen=True)
class PaymentLine:
    payment_type: PaymentType
    amount: Decimal
    field: str  # where it came from in the body, for error messages


@dataclass(frozen=True)
class Credit:
    """The part of a receipt sold on credit, and when it is due."""

    amount: Decimal
    deadline: date


def check(lines: Sequence[PaymentLine], total: Decimal, deadline: date | None) -> Credit | None:
    """The payments add up to the items; the credit part, if any, with its deadline."""
    paid = sum((line.amount for line in lines), ZERO)
    if paid != total:
        message = Message(
            "The payments add up to {paid} but the items to {total}", paid=paid, total=total
        )
        raise ValidationFailed.field("payments", message)
    debts = [line for line in lines if line.payment_type == PaymentType.DEBT]
    if len(debts) > 1:
        # One debt per sale (the debts table allows no more), so one line says how much.
        raise ValidationFailed.field(debts[1].field, "A receipt has at most one debt line")
    if not debts:
        if deadline is not None:
            raise ValidationFailed.field("debt_deadline", "Only a credit (debt) sale has one")
        return None
    if deadline is None:
        raise ValidationFailed.field(
            "debt_deadline", "A credit (debt) sale needs the day the debt is due"
        )
    return Credit(debts[0].amount, deadline)
