from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, case, func, select, type_coerce, update
from sqlalchemy.orm import aliased

from carpet_shop.core.repository import BranchScope, BranchScopedMixin, Repository
from carpet_shop.core.types import Hundredths
from carpet_shop.customers.models import Customer
from carpet_shop.customers.repository import name_or_phone_matches
from carpet_shop.debts import status as st
from carpet_shop.debts.models import Debt, DebtStatus, Payment

ZERO = Decimal("0")


@dataclass(frozen=True)
class DebtFilters:
    status: DebtStatus | None = None
    overdue: bool | None = None
    customer_id: uuid.UUID | None = None
    q: str | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None


class DebtRepository(BranchScopedMixin, Repository[Debt]):
    model = Debt
    branch_column = Debt.branch_id

    def listing(self, scope: BranchScope, filters: DebtFilters, today: date) -> Select[Debt]:
        stmt = self.readable(scope)
        if filters.status is not None:
            stmt = stmt.where(st.has_status(filters.status, today))
        if filters.overdue is not None:
            overdue = st.is_overdue(today)
            stmt = stmt.where(overdue if filters.overdue else ~overdue)
        if filters.customer_id is not None:
            stmt = stmt.where(Debt.customer_id == filters.customer_id)
        if filters.deadline_from is not None:
            stmt = stmt.where(Debt.payment_deadline >= filters.deadline_from)
        if filters.deadline_to is not None:
            stmt = stmt.where(Debt.payment_deadline <= filters.deadline_to)
        if filters.q:
            # Its own alias: the customer eager-loaded with every debt is joined separately.
            who = aliased(Customer)
            stmt = stmt.join(who, who.id == Debt.customer_id).where(
                name_or_phone_matches(who.name, who.phone, filters.q)
            )
        return stmt.order_by(Debt.payment_deadline, Debt.created_at, Debt.id)

    def of_customer(self, customer_id: uuid.UUID, scope: BranchScope) -> Sequence[Debt]:
        stmt = self.readable(scope).where(Debt.customer_id == customer_id)
        return self.session.scalars(stmt.order_by(Debt.payment_deadline, Debt.id)).all()

    def sale_ids_of_customer(self, customer_id: uuid.UUID) -> Sequence[uuid.UUID]:
        stmt = select(Debt.sale_id).where(
            Debt.customer_id == customer_id, Debt.sale_id.is_not(None)
        )
        return [sale_id for sale_id in self.session.scalars(stmt) if sale_id is not None]

    def of_sales(self, sale_ids: Sequence[uuid.UUID]) -> Sequence[Debt]:
        return self.session.scalars(select(Debt).where(Debt.sale_id.in_(sale_ids))).all()

    def customer_has_open_debts(self, customer_id: uuid.UUID) -> bool:
        stmt = select(Debt.id).where(Debt.customer_id == customer_id, Debt.remaining_amount > ZERO)
        return self.session.scalar(stmt.limit(1)) is not None

    def by_sale(self, sale_id: uuid.UUID, *, lock: bool = False) -> Debt | None:
        stmt = select(Debt).where(Debt.sale_id == sale_id)
        if lock:
            # The row lock; the eager-loaded customer must not be locked with it (and
            # PostgreSQL refuses FOR UPDATE on the nullable side of an outer join).
            stmt = stmt.with_for_update(of=Debt)
        return self.session.scalars(stmt.execution_options(populate_existing=True)).first()

    def lock(self, debt_id: uuid.UUID) -> Debt | None:
        """The debt, re-read under a row lock (PostgreSQL; SQLite already holds the write lock)."""
        stmt = select(Debt).where(Debt.id == debt_id).with_for_update(of=Debt)
        return self.session.scalars(stmt.execution_options(populate_existing=True)).first()

    def refresh(self, debt: Debt) -> None:
        self.session.refresh(debt)

    def pay(self, debt_id: uuid.UUID, amount: Decimal, today: date, now: datetime) -> bool:
        """Take `amount` off what remains, only if that much remains: one atomic statement.

        The WHERE clause is the guard. On PostgreSQL a concurrent payment waits for the row
        lock and then re-checks the condition against the committed row; on SQLite writers
        are serialised. Either way remaining never goes below zero and the row count says
        whether this payment fitted.
        """
        new_remaining = Debt.remaining_amount - amount
        result = self.session.execute(
            update(Debt)
            .where(Debt.id == debt_id, Debt.remaining_amount >= amount)
            .values(
                remaining_amount=new_remaining,
                status=st.status_after(new_remaining, today),
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result) == 1

    def reprice(self, debt_id: uuid.UUID, total: Decimal, today: date, now: datetime) -> bool:
        """Set a new total (remaining follows) only while nothing has been paid or returned.

        Conditional for the same reason as `pay`: a payment landing between our read and
        this write makes the row count 0 instead of silently erasing the payment.
        """
        result = self.session.execute(
            update(Debt)
            .where(
                Debt.id == debt_id,
                Debt.remaining_amount == Debt.total_amount,
                Debt.returned_amount == ZERO,
            )
            .values(
                total_amount=total,
                remaining_amount=total,
                status=st.status_after(type_coerce(total, Hundredths()), today),
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result) == 1

    def totals(
        self, scope: BranchScope, today: date, week_end: date
    ) -> Sequence[Row[tuple[Any, ...]]]:
        """Per branch: open debts, overdue and due-this-week, counted and summed in SQL."""
        remaining = Debt.remaining_amount
        overdue = st.is_overdue(today)
        due_week = Debt.payment_deadline.between(today, week_end)

        def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        def sum_if(condition: ColumnElement[bool] | None) -> ColumnElement[Decimal]:
            amount = remaining if condition is None else case((condition, remaining), else_=ZERO)
            return type_coerce(func.coalesce(func.sum(amount), ZERO), Hundredths())

        stmt = (
            select(
                Debt.branch_id,
                func.count().label("outstanding_count"),
                sum_if(None).label("outstanding_amount"),
                count_if(overdue).label("overdue_count"),
                sum_if(overdue).label("overdue_amount"),
                count_if(due_week).label("due_this_week_count"),
                sum_if(due_week).label("due_this_week_amount"),
            )
            .where(remaining > ZERO)
            .group_by(Debt.branch_id)
        )
        return self.session.execute(self.scoped(stmt, scope)).all()

    def search_hits(self, scope: BranchScope, q: str, limit: int, today: date) -> Sequence[Debt]:
        stmt = self.listing(scope, DebtFilters(q=q), today)
        # Open debts first, then the most urgent deadline.
        stmt = stmt.order_by(None).order_by(
            (Debt.remaining_amount > ZERO).desc(), Debt.payment_deadline, Debt.id
        )
        return self.session.scalars(stmt.limit(limit)).all()

    def mark_overdue(
        self, today: date, now: datetime
    ) -> Sequence[Row[uuid.UUID, uuid.UUID, uuid.UUID, Decimal, date]]:
        """Store `overdue` on debts found overdue and not yet flagged for this deadline.

        One UPDATE … RETURNING: when several workers run the job at once, each debt is
        claimed by exactly one of them (the others' WHERE no longer matches), so the rows
        returned are the notifications to raise, never twice.
        """
        result = self.session.execute(
            update(Debt)
            .where(st.is_overdue(today), Debt.overdue_notified_at.is_(None))
            .values(status=DebtStatus.OVERDUE, overdue_notified_at=now, updated_at=now)
            .returning(
                Debt.id,
                Debt.branch_id,
                Debt.customer_id,
                Debt.remaining_amount,
                Debt.payment_deadline,
            )
            .execution_options(synchronize_session=False)
        )
        return result.all()

    def due_between(self, first: date, last: date) -> Sequence[Debt]:
        """Open debts whose deadline is from `first` to `last`, with their customers."""
        return self.session.scalars(
            select(Debt)
            .where(
                Debt.remaining_amount > ZERO,
                Debt.payment_deadline >= first,
                Debt.payment_deadline <= last,
            )
            .order_by(Debt.payment_deadline, Debt.id)
        ).all()

    def customers(self, customer_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Customer]:
        found = self.session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))
        return {c.id: c for c in found}

    def reconcile_statuses(self, today: date, now: datetime) -> int:
        """Bring every stored status in line with the true one; returns the rows changed."""
        true_status = st.status_after(Debt.remaining_amount, today)
        result = self.session.execute(
            update(Debt)
            .where(Debt.status != true_status)
            .values(status=true_status, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result)


class PaymentRepository(Repository[Payment]):
    model = Payment

    def by_key(self, debt_id: uuid.UUID, key: str) -> Payment | None:
        return self.session.scalar(
            select(Payment).where(Payment.debt_id == debt_id, Payment.idempotency_key == key)
        )

    def of_debt(self, debt_id: uuid.UUID) -> Select[Payment]:
        return (
            select(Payment)
            .where(Payment.debt_id == debt_id)
            .order_by(Payment.payment_date.desc(), Payment.created_at.desc(), Payment.id)
        )


def _rowcount(result: Any) -> int:
    return int(result.rowcount)
