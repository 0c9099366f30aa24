"""Sizes are stock, in the analytics and the dashboard: what each size sold (pieces by W×H,
rolls by width), and low stock counted per size (a design out of 3×4 while 2×3 is
plentiful is low, and the low-stock list says which size)."""

from __future__ import annotations

from decimal import Decimal

from tests.factories import TwoBranches
from tests.inventory.test_sizes_are_stock import _sell, _sized


def _analytics(shop: TwoBranches, who: str) -> dict:
    response = shop.get(who, "/api/sales/analytics", period="month")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _dashboard(shop: TwoBranches, who: str) -> dict:
    response = shop.get(who, "/api/dashboard/widgets")
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _roll(shop: TwoBranches, name: str, size: str) -> dict:
    return _sized(
        shop,
        name=name,
        type="meter",
        category="Metrajlar",
        sizes=[{"size": size, "sell_price_per_meter": 250_000, "buy_price_per_meter": 180_000}],
        sell_price_per_m2=None,
        buy_price_per_m2=None,
    )


def _return_one(shop: TwoBranches, sale: dict) -> None:
    body = {
        "sale_id": sale["id"],
        "items": [{"sale_item_id": sale["items"][0]["id"], "quantity": 1}],
        "reason": "OTHER",
    }
    made = shop.post("plain_a", "/api/returns", body)
    assert made.status_code == 201, made.text
    approved = shop.put("admin", f"/api/returns/{made.json()['data']['id']}/approve", {})
    assert approved.status_code == 200, approved.text


def test_top_sizes_this_month_by_quantity_and_revenue_net_of_returns(client, factory):
    shop = TwoBranches.build(client, factory)
    carpet = _sized(
        shop,
        sizes=[
            {"size": "2×3", "quantity": 10, "sell_price": 1_500_000, "buy_price": 1_000_000},
            {"size": "3×4", "quantity": 3},  # 12 m² × 150,000
        ],
    )
    sold = _sell(shop, "plain_a", carpet["id"], 2, 3_600_000, size="3×4")
    assert sold.status_code == 201, sold.text
    assert _sell(shop, "plain_a", carpet["id"], 1, 1_500_000, size="2×3").status_code == 201
    _return_one(shop, sold.json()["data"])
    # Two rolls 3 m wide (20 m and 30 m as received) count as one width.
    for name, size, metres, amount in (
        ("Lara metraj", "3×20", "2.5", 625_000),
        ("Sahro metraj", "3×30", "1", 250_000),
    ):
        roll = _roll(shop, name, size)
        assert _sell(shop, "plain_a", roll["id"], metres, amount).status_code == 201

    admin = _analytics(shop, "admin")["top_sizes"]
    assert [(s["size"], s["width"], s["height"], s["unit"]) for s in admin] == [
        ("3×4", 3, 4, "pcs"),
        ("2×3", 2, 3, "pcs"),
        (None, 3, None, "m"),
    ]
    first, second, rolls = admin
    assert (first["quantity"], first["item_count"]) == (1, 1)
    assert Decimal(str(first["revenue"])) == Decimal("1800000")  # 3,600,000 less a refund
    assert Decimal(str(first["gross_revenue"])) == Decimal("3600000")
    assert Decimal(str(first["refunded"])) == Decimal("1800000")
    assert "director_profit" in first
    assert (second["quantity"], Decimal(str(second["revenue"]))) == (1, Decimal("1500000"))
    assert Decimal(str(rolls["quantity"])) == Decimal("3.5")
    assert Decimal(str(rolls["revenue"])) == Decimal("875000")

    # A seller gets the same sizes of their branch, without the director's profit.
    seller = _analytics(shop, "plain_a")["top_sizes"]
    assert [s["size"] for s in seller] == ["3×4", "2×3", None]
    assert all("director_profit" not in s and "buy_price" not in s for s in seller)
    assert _analytics(shop, "editor_b")["top_sizes"] == []


def test_low_stock_goes_by_size_and_the_dashboard_counts_sizes(client, factory):
    shop = TwoBranches.build(client, factory)
    carpet = _sized(shop, sizes=[{"size": "2×3", "quantity": 10}, {"size": "3×4", "quantity": 3}])

    def low() -> dict | None:
        listed = shop.get("plain_a", "/api/inventory/low-stock").json()["data"]
        return next((p for p in listed if p["id"] == carpet["id"]), None)

    before = _dashboard(shop, "plain_a")
    assert low() is None

    # Out of 3×4 while 2×3 is plentiful: listed, and its sizes say which one is low.
    assert _sell(shop, "plain_a", carpet["id"], 3, 5_400_000, size="3×4").status_code == 201
    listed = low()
    assert listed is not None and listed["is_low_stock"] is True and listed["quantity"] == 10
    assert {s["size"]: s["is_low_stock"] for s in listed["sizes"]} == {
        "2×3": False,
        "3×4": True,
    }
    now = _dashboard(shop, "plain_a")
    assert now["low_stock_count"] == before["low_stock_count"] + 1
    assert now["low_stock_sizes_count"] == before["low_stock_sizes_count"] + 1
    # The stock alert says which size ran out.
    alerts = shop.get("admin", "/api/notifications", type="OUT_OF_STOCK").json()["data"]
    assert [(a["data"]["product_id"], a["data"]["size"]) for a in alerts] == [(carpet["id"], "3×4")]

    # Low in 2×3 too: still one product, two sizes.
    sold = _sell(shop, "plain_a", carpet["id"], 8, 8 * 900_000, size="2×3")
    assert sold.status_code == 201, sold.text
    now = _dashboard(shop, "plain_a")
    assert now["low_stock_count"] == before["low_stock_count"] + 1
    assert now["low_stock_sizes_count"] == before["low_stock_sizes_count"] + 2
    admin = _dashboard(shop, "admin")
    assert admin["low_stock_sizes_count"] >= now["low_stock_sizes_count"]
