"""The scheduled payables job: stores each payable's true status and notifies the director
once of each payable found overdue (OVERDUE_PAYABLE).

Reads never depend on it (they compute the status), so it can run late or twice. Each run is
one transaction: `PayableRepository.mark_overdue` claims each newly overdue payable with one
UPDATE … RETURNING (its `overdue_notified_at` set), so were two processes ever to run it at
once a payable would still notify once; the event's key makes a replay a no-op too. It runs
once per period across the serving processes (core.scheduler), at the debts job's interval.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.core.database import Database
from carpet_shop.core.scheduler import PeriodicJob
from carpet_shop.currency.models import Currency
from carpet_shop.notifications.models import NotificationType
from carpet_shop.notifications.service import Event, emit
from carpet_shop.payables.repository import PayableRepository

log = logging.getLogger("carpet_shop.payables.jobs")

JOB_NAME = "payable-status"


@dataclass(frozen=True)
class OverduePayable:
    payable_id: uuid.UUID
    supplier_id: uuid.UUID
    branch_id: uuid.UUID
    goods_receipt_id: uuid.UUID
    currency: Currency
    remaining_amount: Decimal
    due_date: date


@dataclass(frozen=True)
class JobResult:
    newly_overdue: list[OverduePayable] = field(default_factory=list)
    statuses_corrected: int = 0


def payable_key(payable_id: uuid.UUID, due_date: date) -> str:
    return f"{NotificationType.OVERDUE_PAYABLE.value}:{payable_id}:{due_date.isoformat()}"


def refresh_statuses(session: Session, clock: Clock, *, tz: ZoneInfo) -> JobResult:
    """One run in the caller's transaction (tests call this with a controlled clock)."""
    today, now = shop_today(clock, tz), clock.now()
    repo = PayableRepository(session)
    found = [
        OverduePayable(
            payable_id=row.id,
            supplier_id=row.supplier_id,
            branch_id=row.branch_id,
            goods_receipt_id=row.goods_receipt_id,
            currency=Currency(row.currency),
            remaining_amount=row.remaining_amount,
            due_date=row.due_date,
        )
        for row in repo.mark_overdue(today, now)
    ]
    names = repo.supplier_names(list({f.supplier_id for f in found}))
    receipts = repo.receipts([f.goods_receipt_id for f in found])
    for notice in found:
        receipt = receipts.get(notice.goods_receipt_id)
        emit(
            session,
            clock,
            Event(
                type=NotificationType.OVERDUE_PAYABLE,
                key=payable_key(notice.payable_id, notice.due_date),
                data={
                    "payable_id": notice.payable_id,
                    "supplier_id": notice.supplier_id,
                    "supplier_name": names.get(notice.supplier_id, ""),
                    "receipt_number": receipt.number if receipt is not None else "",
                    "remaining_amount": notice.remaining_amount,
                    "currency": notice.currency.value,
                    "due_date": notice.due_date,
                },
                branch_id=notice.branch_id,
                entity_type="payable",
                entity_id=notice.payable_id,
                # The director only: a seller never sees what the shop owes.
                directors=True,
                sellers_of=None,
            ),
        )
    return JobResult(found, repo.reconcile_statuses(today, now))


def run_once(database: Database, clock: Clock, *, tz: ZoneInfo) -> JobResult:
    with database.transaction() as session:
        result = refresh_statuses(session, clock, tz=tz)
    for notice in result.newly_overdue:
        log.info(
            "payable %s overdue since %s: %s %s remain (supplier %s)",
            notice.payable_id,
            notice.due_date,
            notice.remaining_amount,
            notice.currency.value,
            notice.supplier_id,
        )
    return result


def status_job(database: Database, clock: Clock, tz: ZoneInfo, interval: float) -> PeriodicJob:
    """The job as scheduled: once per `interval` seconds by one of the serving processes."""
    return PeriodicJob(database, JOB_NAME, interval, lambda: run_once(database, clock, tz=tz))
