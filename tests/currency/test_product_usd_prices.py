"""Dollar list prices on products: set by the director, shown to everyone in so'm at the rate
in force today, and never a stale so'm price from the product list's kept pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from carpet_shop.currency.models import CurrencyRate
from tests.factories import LEFT_OUT, TwoBranches, assert_error, assert_ok, auth_headers


@pytest.fixture
def store(client, factory):
    return TwoBranches.build(client, factory)


def _listed(store, who):
    page = assert_ok(store.get(who, "/api/products", page_size=200))
    return {p["name"]: p for p in page}


def _usd(product):
    return product["sell_price_usd"], product["sell_price_usd_uzs"]


def _rate(store, rate, who="admin"):
    return assert_ok(store.post(who, "/api/currency-rates", {"rate": rate}), 201)


def test_a_dollar_price_shows_in_som_once_a_rate_is_recorded(store):
    created = assert_ok(
        store.post("admin", "/api/products", store.product_json(sell_price_usd=120.5)), 201
    )
    assert _usd(created) == (120.5, None)  # no rate yet
    for who in ("admin", "plain_a", "editor_a"):
        assert _usd(_listed(store, who)["Lara bej"]) == (120.5, None)
        assert _usd(assert_ok(store.get(who, f"/api/products/{created['id']}"))) == (120.5, None)

    _rate(store, 12650.50)
    # 120.50 × 12 650.50 = 1 524 385.25 so'm, at once in the list and alone.
    for who in ("admin", "plain_a"):
        assert _usd(_listed(store, who)["Lara bej"]) == (120.5, 1524385.25)
        alone = assert_ok(store.get(who, f"/api/products/{created['id']}"))
        assert _usd(alone) == (120.5, 1524385.25)
    # A product without a dollar price has none in so'm either.
    store.product(name="Som only", sell_price=300_000)
    assert _usd(_listed(store, "plain_a")["Som only"]) == (None, None)


def test_the_kept_product_list_follows_each_new_rate(store, factory):
    store.product(name="Tabriz", sell_price=1_000_000, sell_price_usd="80.01")
    factory.usd_rate("12000.00", day=factory.today() - timedelta(days=3))
    assert _usd(_listed(store, "plain_a")["Tabriz"]) == (80.01, 960120)
    assert _usd(_listed(store, "plain_a")["Tabriz"]) == (80.01, 960120)  # a kept page
    # Today's rate, recorded through the API: the next page read shows it.
    _rate(store, 12650.55)
    # 80.01 × 12 650.55 = 1 012 170.5055 -> 1 012 170.51 (half up to the tiyin).
    assert _usd(_listed(store, "plain_a")["Tabriz"]) == (80.01, 1012170.51)
    assert _usd(_listed(store, "admin")["Tabriz"]) == (80.01, 1012170.51)

    # The next shop day: the same rate still holds until the director records a new one.
    factory.clock.advance(timedelta(days=1))
    store.headers["plain_a"] = auth_headers(store.client, store.users["plain_a"])
    store.headers["admin"] = auth_headers(store.client, store.users["admin"])
    assert _usd(_listed(store, "plain_a")["Tabriz"]) == (80.01, 1012170.51)
    _rate(store, 12700)
    assert _usd(_listed(store, "plain_a")["Tabriz"]) == (80.01, 1016127)


def test_the_list_etag_changes_with_the_rate(store):
    store.product(name="Kashan", sell_price_usd=99)
    yesterday = store.factory.today() - timedelta(days=1)
    store.factory.usd_rate(12000, day=yesterday)
    headers = store.headers["plain_a"]
    first = store.get("plain_a", "/api/products")
    tag = first.headers["etag"]

    def again():
        return store.client.get("/api/products", headers={**headers, "If-None-Match": tag})

    assert again().status_code == 304
    store.factory.usd_rate(11000, day=yesterday - timedelta(days=1))
    assert again().status_code == 304  # an older day's rate changes nothing today
    _rate(store, 12100)
    changed = again()
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    assert _usd(changed.json()["data"][0]) == (99, 1197900)


def test_the_director_sets_changes_and_clears_the_dollar_price(store):
    product = store.product(name="Isfahan", sell_price=500_000)
    path = f"/api/products/{product.id}"
    _rate(store, 12500)
    updated = assert_ok(store.put("admin", path, {"sell_price_usd": 40.04}))
    assert _usd(updated) == (40.04, 500500)
    assert updated["sell_price"] == 500_000  # the so'm price is the seller's, unchanged
    assert _usd(assert_ok(store.put("admin", path, {"name": "Isfahan 2"}))) == (40.04, 500500)
    cleared = assert_ok(store.put("admin", path, {"sell_price_usd": None}))
    assert _usd(cleared) == (None, None)
    audit = assert_ok(
        store.get("admin", "/api/audit-logs", entity_id=str(product.id), action="UPDATE")
    )
    changes = [e["changes"]["sell_price_usd"] for e in audit if "sell_price_usd" in e["changes"]]
    assert sorted(changes, key=str) == sorted(
        [{"old": None, "new": "40.04"}, {"old": "40.04", "new": None}], key=str
    )


def test_sellers_see_the_dollar_price_but_never_set_it(store):
    body = store.product_json(buy_price=LEFT_OUT, sell_price_usd=50)
    error = assert_error(store.post("editor_a", "/api/products", body), 403, "FORBIDDEN")
    assert error["error"]["details"] == {"fields": ["sell_price_usd"]}
    product = store.product(name="Qum", sell_price_usd=50)
    path = f"/api/products/{product.id}"
    assert_error(store.put("editor_a", path, {"sell_price_usd": 45}), 403, "FORBIDDEN")
    assert_error(store.put("editor_a", path, {"sell_price_usd": None}), 403, "FORBIDDEN")
    # Sent back unchanged (an app that returns what it read), it is no change: accepted.
    same = assert_ok(store.put("editor_a", path, {"sell_price_usd": 50, "name": "Qum 2"}))
    assert same["name"] == "Qum 2" and same["sell_price_usd"] == 50
    assert "buy_price" not in same
    plain = assert_ok(store.get("plain_a", path))
    assert plain["sell_price_usd"] == 50 and "buy_price" not in plain


@pytest.mark.parametrize("price", [0, -1, 10.005, "ten", 10**14])
def test_a_bad_dollar_price_is_a_validation_error(store, price):
    response = store.post("admin", "/api/products", store.product_json(sell_price_usd=price))
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert "sell_price_usd" in [f["field"] for f in error["error"]["details"]["fields"]]


def test_a_new_shop_day_is_a_new_page_even_with_nothing_committed(store, factory):
    # A rate already written for tomorrow (a script, or a clock set back): nothing is
    # committed at midnight, yet tomorrow's list must show tomorrow's rate, not a kept page.
    store.product(name="Heriz", sell_price_usd=10)
    factory.usd_rate(12000)
    with factory.db.transaction() as session:
        session.add(
            CurrencyRate(
                day=factory.today() + timedelta(days=1),
                rate=Decimal("13000"),
                created_at=factory.clock.now(),
            )
        )
    assert _usd(_listed(store, "plain_a")["Heriz"]) == (10, 120000)
    assert _usd(_listed(store, "plain_a")["Heriz"]) == (10, 120000)
    # 00:30 the next day in Tashkent, with the same sign-in (nothing written meanwhile).
    today = factory.today()
    factory.clock.advance(timedelta(hours=14, minutes=30))
    assert factory.today() == today + timedelta(days=1)
    assert _usd(_listed(store, "plain_a")["Heriz"]) == (10, 130000)


def test_other_product_reads_show_the_som_price_too(store, factory):
    product = store.product(name="Low", stock=1, sell_price_usd="10.01")
    factory.usd_rate("12650.50")
    low = {p["name"]: p for p in assert_ok(store.get("plain_a", "/api/inventory/low-stock"))}
    # 10.01 × 12 650.50 = 126 631.505 -> 126 631.51
    assert _usd(low["Low"]) == (10.01, 126631.51)
    adjusted = assert_ok(
        store.post(
            "admin", f"/api/products/{product.id}/adjust", {"quantity": 3, "reason": "recount"}
        )
    )
    assert _usd(adjusted["product"]) == (10.01, 126631.51)
