"""Opening a payable: the one insert path, used by goods receipts taken on credit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.currency.models import Currency
from carpet_shop.goods_receipts.models import GoodsReceipt
from carpet_shop.payables.models import Payable, PayableStatus

ENTITY = "payable"
AUDITED_FIELDS = (
    "supplier_id",
    "branch_id",
    "goods_receipt_id",
    "currency",
    "total_amount",
    "remaining_amount",
    "due_date",
)


def payable_currency(receipt: GoodsReceipt) -> Currency:
    """Dollars when every line was bought in dollars (the debt follows the invoice), else so'm."""
    if receipt.lines and all(line.currency == Currency.USD for line in receipt.lines):
        return Currency.USD
    return Currency.UZS


def payable_total(receipt: GoodsReceipt, currency: Currency) -> Decimal | None:
    """What the receipt owes in `currency`; None while a line's cost is unknown."""
    if currency == Currency.USD:
        return receipt.total_usd
    return receipt.total_uzs


def open_for_receipt(
    session: Session, actor: Actor, clock: Clock, receipt: GoodsReceipt, due_date: date
) -> Payable | None:
    """The payable of a credit receipt whose costs are known; None when it owes nothing yet
    (its costs await the director, who opens it by setting them) or nothing at all."""
    currency = payable_currency(receipt)
    total = payable_total(receipt, currency)
    if total is None or total <= 0:
        return None
    now = clock.now()
    payable = Payable(
        supplier_id=receipt.supplier_id,
        branch_id=receipt.branch_id,
        goods_receipt_id=receipt.id,
        currency=currency,
        total_amount=total,
        remaining_amount=total,
        due_date=due_date,
        status=PayableStatus.OPEN,
        overdue_notified_at=None,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(payable)
    session.flush()
    audit.log_created(session, actor, clock, ENTITY, payable, AUDITED_FIELDS)
    return payable
