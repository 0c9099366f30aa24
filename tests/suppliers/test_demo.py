from __future__ import annotations

from datetime import timedelta

from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.demo import seed_demo
from tests.factories import bearer, login


def test_the_demo_shop_has_two_suppliers_and_a_rate_and_seeding_again_adds_nothing(
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
        clock.advance(timedelta(days=1))  # seeded again another day: still one rate
    headers = bearer(login(client, "admin", "admin123")["access_token"])
    suppliers = client.get("/api/suppliers", headers=headers).json()["data"]
    assert [(s["country"], s["currency"]) for s in suppliers] == [
        ("Turkey", "USD"),
        ("Uzbekistan", "UZS"),
    ]
    rates = client.get("/api/currency-rates", headers=headers).json()
    assert rates["meta"]["total"] == 1 and rates["data"][0]["rate"] == 12650
    seller = bearer(login(client, "seller1", "seller123")["access_token"])
    assert client.get("/api/suppliers", headers=seller).status_code == 403
    assert client.get("/api/currency-rates/current", headers=seller).json()["data"]["rate"] == 12650
