"""The scheduled status job: stores each debt's true status and flags new overdue debts.

Reads never depend on it (they compute the status), so it can run late or twice. Each run is
one transaction of two idempotent UPDATEs. One process of all those serving the shop runs it
each period (core.scheduler); were two ever to run it at once, a debt would still be flagged
by exactly one of them (see `DebtRepository.mark_overdue`). The flagged rows are
what an OVERDUE_DEBT notification needs (branch, customer, amount, deadline); until the
notifications module exists they are logged.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.core import metrics
from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.core.database import Database
from carpet_shop.core.scheduler import PeriodicJob
from carpet_shop.debts.repository import DebtRepository

log = logging.getLogger("carpet_shop.debts.jobs")


@dataclass(frozen=True)
class OverdueNotice:
    debt_id: uuid.UUID
    branch_id: uuid.UUID
    customer_id: uuid.UUID
    remaining_amount: Decimal
    payment_deadline: date
    flagged_at: datetime


@dataclass(frozen=True)
class JobResult:
    newly_overdue: list[OverdueNotice] = field(default_factory=list)
    statuses_corrected: int = 0


def refresh_statuses(session: Session, clock: Clock, *, tz: ZoneInfo) -> JobResult:
    """One run, in the caller's transaction (tests call this with a controlled clock)."""
    today, now = shop_today(clock, tz), clock.now()
    repo = DebtRepository(session)
    notices = [
        OverdueNotice(
            debt_id=row.id,
            branch_id=row.branch_id,
            customer_id=row.customer_id,
            remaining_amount=row.remaining_amount,
            payment_deadline=row.payment_deadline,
            flagged_at=now,
        )
        for row in repo.mark_overdue(today, now)
    ]
    return JobResult(notices, repo.reconcile_statuses(today, now))


def run_once(database: Database, clock: Clock, *, tz: ZoneInfo) -> JobResult:
    with database.transaction() as session:
        result = refresh_statuses(session, clock, tz=tz)
    metrics.DEBTS_NEWLY_OVERDUE.inc(len(result.newly_overdue))
    for notice in result.newly_overdue:
        log.info(
            "debt %s overdue since %s: %s so'm remain (branch %s, customer %s)",
            notice.debt_id,
            notice.payment_deadline,
            notice.remaining_amount,
            notice.branch_id,
            notice.customer_id,
        )
    return result


def status_job(database: Database, clock: Clock, tz: ZoneInfo, interval: float) -> PeriodicJob:
    """The job as scheduled: once per `interval` seconds by one of the serving processes."""
    return PeriodicJob(database, "debt-status", interval, lambda: run_once(database, clock, tz=tz))
