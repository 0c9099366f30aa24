from __future__ import annotations

from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.demo import seed_demo
from tests.factories import login


def test_the_demo_shop_has_debts_and_seeding_twice_adds_nothing(client, app, db, clock, settings):
    for _ in range(2):
        with db.transaction() as session:
            seed_demo(
                session,
                clock,
                app.state.auth_policy,
                settings.tz,
                LowStockDefaults.from_settings(settings),
            )
    token = login(client, "admin", "admin123")["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    debts = client.get("/api/debts", headers=headers).json()
    assert debts["meta"]["total"] >= 5
    rows = debts["data"]
    assert len({d["branch_id"] for d in rows}) == 3
    assert any(d["status"] == "overdue" for d in rows)
    assert any(d["status"] == "paid" for d in rows)
    assert any(0 < d["paid_amount"] < d["total_amount"] for d in rows)
    summary = client.get("/api/debts/summary", headers=headers).json()["data"]
    assert summary["overdue_count"] == 1
    seller = login(client, "seller2", "seller123")["access_token"]
    mine = client.get("/api/debts", headers={"Authorization": f"Bearer {seller}"}).json()
    assert 0 < mine["meta"]["total"] < debts["meta"]["total"]
