"""Debts (nasiya): opening, reading, changing, and the hooks other domains call.

Credit sales and returns live in `credit.py`, payments in `payments.py`, the totals in
`summary.py`, the scheduled status job in `jobs.py`; what other domains may call is
re-exported here, so they import this module only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.branches.repository import BranchRepository
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.core.errors import Conflict, NotFound, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import BranchScope
from carpet_shop.customers import service as customers_service
from carpet_shop.customers.models import Customer
from carpet_shop.customers.schemas import CustomerUpdate
from carpet_shop.debts import status as st
from carpet_shop.debts.credit import (
    check_sale_deadline,
    create_for_sale,
    debts_of_sales,
    settle_return,
)
from carpet_shop.debts.models import Debt
from carpet_shop.debts.opening import AUDITED_FIELDS, ENTITY, ZERO, check_deadline, open_debt
from carpet_shop.debts.payments import list_payments, record_payment
from carpet_shop.debts.repository import DebtFilters, DebtRepository
from carpet_shop.debts.schemas import DebtCreate, DebtHit, DebtUpdate
from carpet_shop.debts.summary import DebtFigures, dashboard_figures, summary
from carpet_shop.sales.models import Sale

__all__ = [
    "DebtFigures",
    "check_sale_deadline",
    "create_debt",
    "create_for_sale",
    "dashboard_figures",
    "debts_of_sales",
    "get_debt",
    "list_debts",
    "list_payments",
    "record_payment",
    "search",
    "settle_return",
    "summary",
    "update_debt",
]


def get_debt(session: Session, scope: BranchScope, debt_id: uuid.UUID) -> Debt:
    debt = DebtRepository(session).get(debt_id)
    if debt is None:
        raise NotFound.of("Debt", debt_id)
    scope.check(debt.branch_id)
    return debt


def list_debts(
    session: Session, scope: BranchScope, filters: DebtFilters, page: PageParams, today: date
) -> tuple[Sequence[Debt], int]:
    repo = DebtRepository(session)
    return repo.paginate(repo.listing(scope, filters, today), page)


def _customer_for(session: Session, actor: Actor, clock: Clock, data: DebtCreate) -> Customer:
    ref = customers_service.reference(
        session, data.customer_id, data.customer_name, data.customer_phone, required=True
    )
    customer = customers_service.resolve(session, actor, clock, ref)
    assert customer is not None  # a required reference names someone
    return customer


def _sale_for(session: Session, actor: Actor, sale_id: uuid.UUID) -> Sale:
    # Read directly: the sales service calls this module (credit sales), so going through it
    # would make the two import each other.
    sale = session.get(Sale, sale_id)
    if sale is None:
        raise ValidationFailed.field(
            "sale_id", Message("Sale {sale_id} does not exist", sale_id=sale_id)
        )
    actor.scope().check(sale.branch_id)
    if DebtRepository(session).by_sale(sale_id) is not None:
        raise Conflict("This sale already has a debt", details={"field": "sale_id"})
    return sale


def _branch_for(session: Session, actor: Actor, data: DebtCreate, sale: Sale | None) -> uuid.UUID:
    branch_id = data.branch_id
    if not actor.is_admin:
        # A seller's debts are their branch's; naming another branch is asking for it.
        actor.scope().check(branch_id or actor.branch_id)
        branch_id = actor.branch_id
    elif branch_id is None and sale is not None:
        branch_id = sale.branch_id
    if branch_id is None:
        raise ValidationFailed.field("branch_id", "The director must say which branch")
    if sale is not None and sale.branch_id != branch_id:
        raise ValidationFailed.field("branch_id", "The sale belongs to another branch")
    if not BranchRepository(session).is_live(branch_id):
        raise ValidationFailed.field(
            "branch_id", Message("Branch {branch_id} does not exist", branch_id=branch_id)
        )
    return branch_id


def create_debt(
    session: Session, actor: Actor, clock: Clock, data: DebtCreate, *, tz: ZoneInfo
) -> Debt:
    today = shop_today(clock, tz)
    # Every check that can fail comes before anything is written (a customer included).
    check_deadline(data.payment_deadline, today)
    sale = _sale_for(session, actor, data.sale_id) if data.sale_id is not None else None
    branch_id = _branch_for(session, actor, data, sale)
    if sale is not None and data.total_amount > sale.amount - sale.refunded_amount:
        raise ValidationFailed.field("total_amount", "More than the sale's amount")
    customer = _customer_for(session, actor, clock, data)
    return open_debt(
        session,
        actor,
        clock,
        customer=customer,
        branch_id=branch_id,
        seller_id=sale.seller_id if sale is not None else actor.id,
        sale_id=sale.id if sale is not None else None,
        amount=data.total_amount,
        deadline=data.payment_deadline,
        note=data.note,
        today=today,
    )


def _apply_customer_changes(
    session: Session, actor: Actor, clock: Clock, debt: Debt, changes: dict[str, Any]
) -> None:
    if changes.get("customer_id") is not None and changes["customer_id"] != debt.customer_id:
        try:
            customer = customers_service.get_customer(session, changes["customer_id"])
        except NotFound as exc:
            raise ValidationFailed.field("customer_id", exc.message) from exc
        debt.customer_id = customer.id
        debt.customer = customer
    details = {
        field: changes[f"customer_{field}"]
        for field in ("name", "phone")
        if changes.get(f"customer_{field}") is not None
    }
    if details:
        # Corrects the registry entry, so every debt and sale of this person shows it.
        customers_service.update_customer(
            session, actor, clock, debt.customer_id, CustomerUpdate(**details)
        )


def update_debt(
    session: Session,
    actor: Actor,
    clock: Clock,
    debt_id: uuid.UUID,
    data: DebtUpdate,
    *,
    tz: ZoneInfo,
) -> Debt:
    today = shop_today(clock, tz)
    repo = DebtRepository(session)
    debt = get_debt(session, actor.scope(), debt_id)
    changes = data.model_dump(exclude_unset=True)
    new_deadline, new_total = data.payment_deadline, data.total_amount
    rescheduling = new_deadline is not None and new_deadline != debt.payment_deadline
    if new_deadline is not None and rescheduling:
        if debt.remaining_amount <= ZERO:
            raise ValidationFailed.field("payment_deadline", "The debt is paid")
        check_deadline(new_deadline, today)
    repricing = new_total is not None and new_total != debt.total_amount
    if repricing and debt.sale_id is not None:
        raise ValidationFailed.field(
            "total_amount", "A credit sale's debt follows the sale; it cannot be edited"
        )
    before = audit.snapshot(debt, AUDITED_FIELDS)
    now = clock.now()
    if new_total is not None and repricing:
        if not repo.reprice(debt.id, new_total, today, now):
            raise ValidationFailed.field(
                "total_amount", "The total cannot change once a payment has been made"
            )
        repo.refresh(debt)
    _apply_customer_changes(session, actor, clock, debt, changes)
    if "note" in changes:
        debt.note = changes["note"]
    if new_deadline is not None and rescheduling:
        debt.payment_deadline = new_deadline
        # A new deadline is a new promise: its overdue alert has not been raised yet.
        debt.overdue_notified_at = None
    debt.status = st.status_of(debt.remaining_amount, debt.payment_deadline, today)
    after = audit.snapshot(debt, AUDITED_FIELDS)
    if after != before:
        debt.updated_at = now
        repo.flush()
        also = {"rescheduled": True} if rescheduling else None
        audit.log_updated(session, actor, clock, ENTITY, debt, before, also=also)
    return debt


def search(
    session: Session,
    scope: BranchScope,
    q: str,
    limit: int,
    *,
    clock: Clock,
    tz: ZoneInfo,
) -> list[DebtHit]:
    """Search provider for the global /api/search: debts by customer name or phone.

    Open debts first, most urgent deadline first. The status is computed against the shop
    day of `clock` in `tz`.
    """
    q = q.strip()
    if not q or limit <= 0:
        return []
    today = shop_today(clock, tz)
    return [
        DebtHit(
            id=d.id,
            title=d.customer.name,
            subtitle=f"{d.customer.phone} · {d.remaining_amount} so'm left",
            branch_id=d.branch_id,
            remaining_amount=d.remaining_amount,
            status=st.status_of(d.remaining_amount, d.payment_deadline, today),
            payment_deadline=d.payment_deadline,
        )
        for d in DebtRepository(session).search_hits(scope, q, limit, today)
    ]
