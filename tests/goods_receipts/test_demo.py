"""The demo shop has what a director needs to see purchasing at work: an order partly
received on credit, its payable with a first payment, and a receipt paid on delivery."""

from __future__ import annotations

from datetime import timedelta

from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.demo import seed_demo
from tests.factories import bearer, login


def test_the_demo_shop_has_an_order_partly_received_and_a_payable_part_paid(
    client, app, db, clock, settings
):
    for _ in range(2):
        with db.transaction() as session:
            seed_demo(
                session,
                clock,
                app.state.auth_policy,
                settings.tz,
                LowStockDefaults.from_settings(settings),
            )
        clock.advance(timedelta(days=1))  # seeded again: nothing is bought twice
    director = bearer(login(client, "admin", "admin123")["access_token"])
    orders = client.get("/api/purchase-orders", headers=director).json()["data"]
    assert [(o["number"], o["status"]) for o in orders] == [("PO-000001", "partially_received")]
    order = client.get(f"/api/purchase-orders/{orders[0]['id']}", headers=director).json()["data"]
    assert [(line["quantity"], line["received_quantity"]) for line in order["lines"]] == [
        (4, 2),
        (2, 0),
    ]
    receipts = client.get("/api/goods-receipts", headers=director).json()
    assert receipts["meta"]["total"] == 2
    payables = client.get("/api/payables", headers=director).json()["data"]
    assert len(payables) == 1
    payable = payables[0]
    # 2 carpets at $85.00, $50.00 paid.
    assert (payable["currency"], payable["total_amount"], payable["remaining_amount"]) == (
        "USD",
        170,
        120,
    )
    assert payable["status"] == "open"
    seller = bearer(login(client, "seller1", "seller123")["access_token"])
    assert client.get("/api/payables", headers=seller).status_code == 403
