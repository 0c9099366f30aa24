"""Credit sales and their returns: what the sales service calls inside its transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.core.errors import Conflict, ValidationFailed
from carpet_shop.customers.models import Customer
from carpet_shop.debts import status as st
from carpet_shop.debts.models import Debt
from carpet_shop.debts.opening import AUDITED_FIELDS, ENTITY, ZERO, check_deadline, open_debt
from carpet_shop.debts.repository import DebtRepository
from carpet_shop.debts.schemas import DebtRead
from carpet_shop.sales.models import Sale


def check_sale_deadline(clock: Clock, deadline: date, *, tz: ZoneInfo) -> None:
    """The deadline check `create_for_sale` makes, for a sale that validates its body before
    taking stock: after today in shop time, else a 422 on `debt_deadline`."""
    check_deadline(deadline, shop_today(clock, tz), field="debt_deadline")


def debts_of_sales(
    session: Session, sale_ids: Sequence[uuid.UUID], today: date
) -> dict[uuid.UUID, DebtRead]:
    """The debt of each of these sales that has one, as of `today` (one query)."""
    if not sale_ids:
        return {}
    return {
        d.sale_id: DebtRead.of(d, today)
        for d in DebtRepository(session).of_sales(sale_ids)
        if d.sale_id is not None
    }


def create_for_sale(
    session: Session,
    actor: Actor,
    clock: Clock,
    sale: Sale,
    customer: Customer,
    amount: Decimal,
    deadline: date,
    *,
    note: str | None = None,
    tz: ZoneInfo,
) -> Debt:
    """Open the debt of a credit sale, inside the sale's transaction (extension point).

    The sales service calls this for a `debt` payment line, after flushing the sale and
    resolving the customer (`customers.service.find_or_create` for a name and phone).
    Errors name the sale request's fields: `debt_deadline`, `payments`.
    """
    today = shop_today(clock, tz)
    check_deadline(deadline, today, field="debt_deadline")
    if amount <= ZERO or amount > sale.amount:
        raise ValidationFailed.field("payments", "The debt part must be > 0 and within the sale")
    actor.scope().check(sale.branch_id)
    if DebtRepository(session).by_sale(sale.id) is not None:
        raise Conflict("This sale already has a debt", details={"field": "sale_id"})
    return open_debt(
        session,
        actor,
        clock,
        customer=customer,
        branch_id=sale.branch_id,
        seller_id=sale.seller_id,
        sale_id=sale.id,
        amount=amount,
        deadline=deadline,
        note=note,
        today=today,
    )


def settle_return(
    session: Session,
    actor: Actor,
    clock: Clock,
    sale_id: uuid.UUID,
    refund_amount: Decimal,
    *,
    tz: ZoneInfo,
) -> tuple[Decimal, Decimal]:
    """Settle an approved return of goods worth `refund_amount` on a sale (extension point).

    Returns `(debt_reduced, cash_refund)`. The rule: the customer first owes less, then gets
    money back. What still remains on the sale's debt is reduced first (up to all of it);
    only the rest is refunded. A customer who has already paid more than the sale is now
    worth gets that excess back as the cash refund, and the debt is left paid. A sale
    without a debt refunds everything. The reduction is recorded as `returned_amount`, so
    total = paid + returned + remaining still holds and past payments are untouched.
    """
    if refund_amount < ZERO:
        raise ValidationFailed.field("refund_amount", "The refund cannot be negative")
    repo = DebtRepository(session)
    # Locked: a payment arriving meanwhile must see the reduced remaining, not the old one.
    debt = repo.by_sale(sale_id, lock=True)
    if debt is None or debt.remaining_amount <= ZERO or refund_amount == ZERO:
        return ZERO, refund_amount
    actor.scope().check(debt.branch_id)
    today = shop_today(clock, tz)
    before = audit.snapshot(debt, AUDITED_FIELDS)
    reduced = min(refund_amount, debt.remaining_amount)
    debt.remaining_amount -= reduced
    debt.returned_amount += reduced
    debt.status = st.status_of(debt.remaining_amount, debt.payment_deadline, today)
    debt.updated_at = clock.now()
    repo.flush()
    returned = {"return": {"sale_id": str(sale_id), "refund": str(reduced)}}
    audit.log_updated(session, actor, clock, ENTITY, debt, before, also=returned)
    return reduced, refund_amount - reduced
