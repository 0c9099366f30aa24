"""A payable's true status, in Python and in SQL, from remaining, due date and the shop's today.

The due date is a shop day: paying on it is on time, so a payable is overdue from the next
shop midnight while anything remains. Reads and filters use these, never the stored column,
so a payable shows overdue the moment it is, whether or not the status job has run.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case

from carpet_shop.payables.models import Payable, PayableStatus

ZERO = Decimal("0")


def status_of(remaining: Decimal, due_date: date, today: date) -> PayableStatus:
    if remaining <= ZERO:
        return PayableStatus.PAID
    if due_date < today:
        return PayableStatus.OVERDUE
    return PayableStatus.OPEN


def days_overdue(remaining: Decimal, due_date: date, today: date) -> int:
    if status_of(remaining, due_date, today) != PayableStatus.OVERDUE:
        return 0
    return (today - due_date).days


def is_overdue(today: date) -> ColumnElement[bool]:
    return and_(Payable.remaining_amount > ZERO, Payable.due_date < today)


def has_status(status: PayableStatus, today: date) -> ColumnElement[bool]:
    if status == PayableStatus.PAID:
        return Payable.remaining_amount <= ZERO
    if status == PayableStatus.OVERDUE:
        return is_overdue(today)
    return and_(Payable.remaining_amount > ZERO, Payable.due_date >= today)


def status_after(remaining: SQLColumnExpression[Decimal], today: date) -> ColumnElement[str]:
    """The status a row will have once its remaining is `remaining` (for UPDATE … SET)."""
    return case(
        (remaining <= ZERO, PayableStatus.PAID.value),
        (Payable.due_date < today, PayableStatus.OVERDUE.value),
        else_=PayableStatus.OPEN.value,
    )


def is_overdue_now(remaining: Decimal, due_date: date, today: date) -> bool:
    return status_of(remaining, due_date, today) == PayableStatus.OVERDUE
