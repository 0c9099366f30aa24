"""What is owed: outstanding, overdue and due this week, in total and per branch."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.branches import service as branches_service
from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.core.repository import BranchScope
from carpet_shop.debts.calendar import week_end
from carpet_shop.debts.repository import DebtRepository
from carpet_shop.debts.schemas import BranchDebtTotals, DebtSummary

ZERO = Decimal("0")
_COUNTS = ("outstanding_count", "overdue_count", "due_this_week_count")
_AMOUNTS = ("outstanding_amount", "overdue_amount", "due_this_week_amount")


def summary(session: Session, scope: BranchScope, clock: Clock, *, tz: ZoneInfo) -> DebtSummary:
    today = shop_today(clock, tz)
    last_day = week_end(today)
    rows = DebtRepository(session).totals(scope, today, last_day)
    branches = [
        BranchDebtTotals(
            branch_id=row.branch_id,
            branch_name=branches_service.get_branch(
                session, row.branch_id, include_deleted=True
            ).name,
            **{name: int(getattr(row, name)) for name in _COUNTS},
            **{name: getattr(row, name) for name in _AMOUNTS},
        )
        for row in rows
    ]
    branches.sort(key=lambda b: b.branch_name)
    return DebtSummary(
        today=today,
        week_end=last_day,
        branches=branches,
        **{name: sum((getattr(b, name) for b in branches), 0) for name in _COUNTS},
        **{name: sum((getattr(b, name) for b in branches), ZERO) for name in _AMOUNTS},
    )


@dataclass(frozen=True)
class DebtFigures:
    """The dashboard widgets' debt figures (additions 2D)."""

    overdue_debts_count: int
    overdue_amount: Decimal
    outstanding_amount: Decimal
    outstanding_count: int


def dashboard_figures(
    session: Session, scope: BranchScope, clock: Clock, *, tz: ZoneInfo
) -> DebtFigures:
    """For `GET /api/dashboard/widgets` (extension point): the same totals as the summary."""
    totals = summary(session, scope, clock, tz=tz)
    return DebtFigures(
        overdue_debts_count=totals.overdue_count,
        overdue_amount=totals.overdue_amount,
        outstanding_amount=totals.outstanding_amount,
        outstanding_count=totals.outstanding_count,
    )
