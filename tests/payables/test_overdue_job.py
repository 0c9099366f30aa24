"""The payables job: overdue stored once, one OVERDUE_PAYABLE per payable to the director."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from carpet_shop.currency.models import Currency
from carpet_shop.main import create_app
from carpet_shop.payables import jobs
from carpet_shop.payables.models import Payable, PayableStatus
from tests.factories import SHOP_TZ, auth_headers, make_payable
from tests.notifications.helpers import of_type

TOMORROW = date(2026, 3, 11)
# The due day ends at midnight in Tashkent: 19:00 UTC the same day.
END_OF_TOMORROW = datetime(2026, 3, 11, 19, 0, tzinfo=UTC)


def _stored(db, payable_id):
    with db.transaction(write=False) as session:
        payable = session.scalars(select(Payable).where(Payable.id == payable_id)).one()
        return payable.status, payable.overdue_notified_at


def _run(db, clock):
    with db.transaction() as session:
        return jobs.refresh_statuses(session, clock, tz=SHOP_TZ)


def test_overdue_payables_notify_the_director_once(client, shop, factory, clock, db):
    supplier = factory.supplier("Kashan Carpets")
    late = make_payable(
        factory,
        total=300,
        currency=Currency.USD,
        supplier=supplier,
        branch=shop.branch_a,
        due_date=TOMORROW,
    )
    later = make_payable(
        factory, total=1_650_000, branch=shop.branch_a, due_date=TOMORROW + timedelta(days=5)
    )
    paid = make_payable(factory, total=100, branch=shop.branch_a, due_date=TOMORROW)
    assert (
        client.post(
            f"/api/payables/{paid.id}/payments", json={"amount": 100}, headers=shop.as_admin
        ).status_code
        == 201
    )

    assert _run(db, clock).newly_overdue == []
    clock.current = END_OF_TOMORROW - timedelta(seconds=1)  # 23:59:59 on the due day
    assert _run(db, clock).newly_overdue == []

    clock.current = END_OF_TOMORROW + timedelta(hours=3)
    result = _run(db, clock)
    [notice] = result.newly_overdue
    assert notice.payable_id == late.id and notice.supplier_id == supplier.id
    assert notice.currency == Currency.USD and notice.remaining_amount == 300
    assert _stored(db, late.id) == (PayableStatus.OVERDUE, clock.now())
    assert _stored(db, later.id)[0] == PayableStatus.OPEN
    assert _stored(db, paid.id)[0] == PayableStatus.PAID

    # Again, and later: nothing new.
    _run(db, clock)
    clock.advance(timedelta(hours=6))
    assert _run(db, clock).newly_overdue == []

    as_admin, as_a = auth_headers(client, shop.admin), auth_headers(client, shop.seller_a)
    [note] = of_type(client, as_admin, "OVERDUE_PAYABLE")
    assert note["related_entity_id"] == str(late.id)
    assert note["data"]["supplier_name"] == "Kashan Carpets"
    assert note["data"]["currency"] == "USD" and note["data"]["remaining_amount"] == 300
    assert note["message"].startswith("Kashan Carpets, GR-")
    assert "300 USD" in note["message"] and TOMORROW.isoformat() in note["message"]
    # A seller never hears of what the shop owes.
    assert of_type(client, as_a, "OVERDUE_PAYABLE") == []
    detail = client.get(f"/api/payables/{late.id}", headers=as_admin).json()["data"]
    assert detail["overdue_notified_at"] is not None and detail["status"] == "overdue"

    # In Russian, for a director who reads Russian.
    response = client.put("/api/notifications/settings", json={"language": "ru"}, headers=as_admin)
    assert response.status_code == 200, response.text
    clock.advance(timedelta(days=5))
    as_admin = auth_headers(client, shop.admin)
    [second] = _run(db, clock).newly_overdue
    assert second.payable_id == later.id
    russian = [
        n
        for n in of_type(client, as_admin, "OVERDUE_PAYABLE")
        if n["related_entity_id"] == str(later.id)
    ]
    [ru] = russian
    assert ru["title"] == "Просрочен долг поставщику"
    assert "1 650 000 сум" in ru["message"]


def test_workers_running_the_job_at_once_raise_each_notice_once(shop, factory, clock, db):
    for n in range(8):
        make_payable(factory, total=100 + n, branch=shop.branch_a, due_date=TOMORROW)
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
    flagged = [n.payable_id for r in results for n in r.newly_overdue]
    assert len(flagged) == len(set(flagged)) == 8


def test_the_service_runs_the_job_at_start_up(settings, db, clock, factory):
    payable = make_payable(factory, total=100, due_date=TOMORROW)
    clock.current = END_OF_TOMORROW
    app = create_app(
        settings=settings.model_copy(update={"debt_status_interval_seconds": 3600}),
        database=db,
        clock=clock,
    )
    with TestClient(app):
        deadline = time.monotonic() + 10
        while _stored(db, payable.id)[0] != PayableStatus.OVERDUE and time.monotonic() < deadline:
            time.sleep(0.05)
    assert _stored(db, payable.id)[0] == PayableStatus.OVERDUE
