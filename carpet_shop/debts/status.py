"""A debt's true status, in Python and in SQL, from remaining, deadline and the shop's today.

The deadline is a shop day: paying on that day is on time, so a debt is overdue from the next
shop midnight while anything remains. Reads and list filters use these expressions, never the
stored column, so a debt shows overdue the moment it is, whether or not the job has run.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case

from carpet_shop.debts.models import Debt, DebtStatus

ZERO = Decimal("0")


def status_of(remaining: Decimal, deadline: date, today: date) -> DebtStatus:
    if remaining <= ZERO:
        return DebtStatus.PAID
    if deadline < today:
        return DebtStatus.OVERDUE
    return DebtStatus.PENDING


def days_overdue(remaining: Decimal, deadline: date, today: date) -> int:
    return (today - deadline).days if status_of(remaining, deadline, today) == "overdue" else 0


def is_paid() -> ColumnElement[bool]:
    return Debt.remaining_amount <= ZERO


def is_overdue(today: date) -> ColumnElement[bool]:
    return and_(Debt.remaining_amount > ZERO, Debt.payment_deadline < today)


def is_pending(today: date) -> ColumnElement[bool]:
    return and_(Debt.remaining_amount > ZERO, Debt.payment_deadline >= today)


def has_status(status: DebtStatus, today: date) -> ColumnElement[bool]:
    if status == DebtStatus.PAID:
        return is_paid()
    if status == DebtStatus.OVERDUE:
        return is_overdue(today)
    return is_pending(today)


def status_after(remaining: SQLColumnExpression[Decimal], today: date) -> ColumnElement[str]:
    """The status a row will have once its remaining is `remaining` (for UPDATE … SET)."""
    return case(
        (remaining <= ZERO, DebtStatus.PAID.value),
        (Debt.payment_deadline < today, DebtStatus.OVERDUE.value),
        else_=DebtStatus.PENDING.value,
    )
