"""Overdue is shown the moment it is true, with or without the job; the job stores it once."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from carpet_shop.debts import jobs
from carpet_shop.debts.models import Debt, DebtStatus
from carpet_shop.main import create_app
from tests.factories import SHOP_TZ, auth_headers

TOMORROW = date(2026, 3, 11)
# The deadline's shop day ends at midnight in Tashkent: 19:00 UTC the same day.
END_OF_TOMORROW = datetime(2026, 3, 11, 19, 0, tzinfo=UTC)


def _stored(db, debt_id):
    with db.transaction(write=False) as session:
        debt = session.scalars(select(Debt).where(Debt.id == debt_id)).one()
        return debt.status, debt.overdue_notified_at


def _status(client, debt, headers):
    return client.get(f"/api/debts/{debt.id}", headers=headers).json()["data"]["status"]


def test_a_read_shows_overdue_the_moment_the_deadline_passes_without_any_job(
    client, shop, factory, clock, db
):
    debt = factory.debt(branch=shop.branch_a, total=500, deadline=TOMORROW)
    clock.current = END_OF_TOMORROW - timedelta(seconds=1)  # 23:59:59 on the deadline day
    as_a = auth_headers(client, shop.seller_a)  # a token of the moved clock's day
    assert _status(client, debt, as_a) == "pending"
    assert (
        client.get("/api/debts", params={"overdue": True}, headers=as_a).json()["meta"]["total"]
        == 0
    )

    clock.current = END_OF_TOMORROW  # 00:00 the next shop day
    data = client.get(f"/api/debts/{debt.id}", headers=as_a).json()["data"]
    assert data["status"] == "overdue" and data["days_overdue"] == 1
    for params in ({"overdue": True}, {"status": "overdue"}):
        listed = client.get("/api/debts", params=params, headers=as_a).json()["data"]
        assert [d["id"] for d in listed] == [str(debt.id)]
    assert (
        client.get("/api/debts", params={"status": "pending"}, headers=as_a).json()["meta"]["total"]
        == 0
    )
    summary = client.get("/api/debts/summary", headers=as_a).json()["data"]
    assert summary["overdue_count"] == 1 and summary["overdue_amount"] == 500
    # The stored column is still the old one: the answer did not come from it.
    assert _stored(db, debt.id) == (DebtStatus.PENDING, None)


def test_the_job_marks_overdue_debts_once_and_records_the_notice(client, shop, factory, clock, db):
    customer = factory.customer()
    late = factory.debt(branch=shop.branch_a, customer=customer, total=500, deadline=TOMORROW)
    later = factory.debt(branch=shop.branch_b, total=300, deadline=TOMORROW + timedelta(days=5))
    paid = factory.debt(branch=shop.branch_a, total=100, deadline=TOMORROW)
    factory.payment(paid, 100)

    with db.transaction() as session:
        result = jobs.refresh_statuses(session, clock, tz=SHOP_TZ)
    assert result.newly_overdue == [] and result.statuses_corrected == 0

    clock.current = END_OF_TOMORROW + timedelta(hours=3)
    with db.transaction() as session:
        result = jobs.refresh_statuses(session, clock, tz=SHOP_TZ)
    [notice] = result.newly_overdue
    assert notice.debt_id == late.id
    assert notice.branch_id == shop.branch_a.id and notice.customer_id == customer.id
    assert notice.remaining_amount == 500 and notice.payment_deadline == TOMORROW
    assert notice.flagged_at == clock.now()
    assert _stored(db, late.id) == (DebtStatus.OVERDUE, clock.now())
    assert _stored(db, later.id)[0] == DebtStatus.PENDING
    assert _stored(db, paid.id)[0] == DebtStatus.PAID
    as_a = auth_headers(client, shop.seller_a)
    data = client.get(f"/api/debts/{late.id}", headers=as_a).json()["data"]
    assert data["overdue_notified_at"] is not None

    # Running again, later, raises nothing new.
    clock.advance(timedelta(hours=6))
    with db.transaction() as session:
        assert jobs.refresh_statuses(session, clock, tz=SHOP_TZ).newly_overdue == []

    # A reschedule is a new promise: pending again, and a new notice when it too passes.
    new_deadline = (clock.now().astimezone(SHOP_TZ).date() + timedelta(days=2)).isoformat()
    response = client.put(
        f"/api/debts/{late.id}", json={"payment_deadline": new_deadline}, headers=as_a
    )
    assert response.json()["data"]["status"] == "pending"
    assert _stored(db, late.id) == (DebtStatus.PENDING, None)
    clock.advance(timedelta(days=5))
    with db.transaction() as session:
        result = jobs.refresh_statuses(session, clock, tz=SHOP_TZ)
    assert sorted(n.debt_id for n in result.newly_overdue) == sorted([late.id, later.id])


def test_the_job_corrects_any_stored_status_that_drifted(client, shop, factory, clock, db):
    debt = factory.debt(branch=shop.branch_a, total=500)
    with db.transaction() as session:
        session.get(Debt, debt.id).status = DebtStatus.PAID  # a stale or hand-edited row
    with db.transaction() as session:
        assert jobs.refresh_statuses(session, clock, tz=SHOP_TZ).statuses_corrected == 1
    assert _stored(db, debt.id)[0] == DebtStatus.PENDING


def test_workers_running_the_job_at_once_raise_each_notice_once(shop, factory, clock, db):
    for n in range(12):
        factory.debt(branch=shop.branch_a, total=100 + n, deadline=TOMORROW)
    clock.current = END_OF_TOMORROW + timedelta(minutes=1)
    results, errors = [], []
    start = threading.Barrier(4)

    def worker():
        try:
            start.wait(timeout=10)
            results.append(jobs.run_once(db, clock, tz=SHOP_TZ))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    flagged = [n.debt_id for r in results for n in r.newly_overdue]
    assert len(flagged) == len(set(flagged)) == 12


def test_the_service_runs_the_job_at_start_up(settings, db, clock, factory):
    shop_branch = factory.branch()
    debt = factory.debt(branch=shop_branch, total=100, deadline=TOMORROW)
    clock.current = END_OF_TOMORROW
    app = create_app(
        settings=settings.model_copy(update={"debt_status_interval_seconds": 3600}),
        database=db,
        clock=clock,
    )
    with TestClient(app):
        deadline = time.monotonic() + 10
        while _stored(db, debt.id)[0] != DebtStatus.OVERDUE and time.monotonic() < deadline:
            time.sleep(0.05)
    # Shut down cleanly (the loop waits for its run to finish), and the status was stored.
    assert _stored(db, debt.id)[0] == DebtStatus.OVERDUE
