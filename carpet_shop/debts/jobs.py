"""The scheduled status job: stores each debt's true status and flags new overdue debts.

Reads never depend on it (they compute the status), so it can run late or twice. Each run is
one transaction of two idempotent UPDATEs. One process of all those serving the shop runs it
each period (core.scheduler); were two ever to run it at once, a debt would still be flagged
by exactly one of them (see `DebtRepository.mark_overdue`). Each flagged debt notifies
(OVERDUE_DEBT) in the same transaction. Debts due within the director's number of days notify
once per deadline (DEBT_DUE_SOON): the event's key, not the job, makes it once.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.core import metrics
from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.core.database import Database
from carpet_shop.core.scheduler import PeriodicJob
from carpet_shop.debts.repository import DebtRepository
from carpet_shop.notifications import service as notifications_service
from carpet_shop.notifications import triggers as notify
from carpet_shop.notifications.models import NotificationType
from carpet_shop.notifications.telegram import service as telegram_service

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
    """One run, in the caller's transaction (tests call this with a controlled clock): new
    overdue debts and debts due within the director's `debt_due_soon_days` notify their
    branch and the directors, once per deadline."""
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
    customers = repo.customers(list({n.customer_id for n in notices}))
    for notice in notices:
        customer = customers[notice.customer_id]
        notify.debt_event(
            session,
            clock,
            NotificationType.OVERDUE_DEBT,
            debt_id=notice.debt_id,
            branch_id=notice.branch_id,
            deadline=notice.payment_deadline,
            remaining_amount=notice.remaining_amount,
            customer=(customer.name, customer.phone),
        )
    telegram_service.remind_customers(session, clock, [n.debt_id for n in notices], overdue=True)
    days = notifications_service.shop_settings(session).debt_due_soon_days
    due = repo.due_between(today, today + timedelta(days=days)) if days > 0 else []
    telegram_service.remind_customers(session, clock, [d.id for d in due], overdue=False)
    done = notify.keys_exist(
        session,
        [notify.debt_key(NotificationType.DEBT_DUE_SOON, d.id, d.payment_deadline) for d in due],
    )
    for debt in due:
        key = notify.debt_key(NotificationType.DEBT_DUE_SOON, debt.id, debt.payment_deadline)
        if key in done:
            continue
        notify.debt_event(
            session,
            clock,
            NotificationType.DEBT_DUE_SOON,
            debt_id=debt.id,
            branch_id=debt.branch_id,
            deadline=debt.payment_deadline,
            remaining_amount=debt.remaining_amount,
            customer=(debt.customer.name, debt.customer.phone),
        )
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
