"""Sizes are stock, and the reports say so: a sales line names the size sold (a roll's cut),
and the inventory has a row per size with that size's own stock and price."""

from __future__ import annotations

from decimal import Decimal

from tests.analytics.shop import money
from tests.factories import TwoBranches
from tests.inventory.test_sizes_are_stock import _sell, _sized
from tests.reports.files import csv_rows


def _report(shop: TwoBranches, who: str, name: str, **params: str):
    response = shop.get(who, f"/api/reports/{name}", **params)
    assert response.status_code == 200, response.text
    return response


def test_a_sales_line_shows_the_size_sold_and_a_rolls_cut(client, factory):
    shop = TwoBranches.build(client, factory)
    rug = _sized(shop)
    roll = _sized(
        shop,
        name="Lara metraj",
        type="meter",
        category="Metrajlar",
        sizes=[{"size": "3×20", "sell_price_per_meter": 250_000, "buy_price_per_meter": 180_000}],
        sell_price_per_m2=None,
        buy_price_per_m2=None,
    )
    assert _sell(shop, "plain_a", rug["id"], 1, 1_800_000, size="3×4").status_code == 201
    assert _sell(shop, "plain_a", roll["id"], "2.5", 625_000).status_code == 201

    rows = _report(shop, "admin", "sales").json()["data"]["rows"]
    assert [(r["product"], r["size"]) for r in rows] == [
        ("Lara bej", "3×4"),
        ("Lara metraj", "3×2.5"),
    ]
    csv_lines, _ = csv_rows(_report(shop, "plain_a", "sales", format="csv").content)
    assert [r["size"] for r in csv_lines] == ["3×4", "3×2.5"]


def test_the_inventory_has_a_row_per_size_with_its_stock_and_price(client, factory):
    shop = TwoBranches.build(client, factory)
    rug = _sized(shop, low_stock_threshold=2)
    assert _sell(shop, "plain_a", rug["id"], 1, 1_800_000, size="3×4").status_code == 201
    shop.product(name="Plain", buy_price=10_000, sell_price=15_000, stock=5, sizes=[])

    data = _report(shop, "admin", "inventory").json()["data"]
    rows = {(r["product"], r["size"]): r for r in data["rows"]}
    assert set(rows) == {("Lara bej", "2×3"), ("Lara bej", "3×4"), ("Plain", "")}
    small, large = rows["Lara bej", "2×3"], rows["Lara bej", "3×4"]
    # 2×3 has its own prices; 3×4 takes the product's rate per m² (12 m² × 150,000).
    assert money(small["stock"]) == 4 and money(small["price"]) == Decimal("1500000")
    assert money(small["stock_value"]) == Decimal("6000000")
    assert money(small["stock_cost"]) == Decimal("4000000")
    assert money(large["stock"]) == 1 and money(large["price"]) == Decimal("1800000")
    assert money(large["buy_price"]) == Decimal("1200000")
    assert large["low_stock"] is True and small["low_stock"] is False
    assert money(rows["Plain", ""]["stock_value"]) == Decimal("75000")
    totals = data["totals"]
    assert totals["product_count"] == 2 and totals["size_count"] == 3
    assert totals["low_stock_count"] == 1
    assert money(totals["stock_value"]) == Decimal("6000000") + 1_800_000 + 75_000

    low = _report(shop, "admin", "inventory", low_stock_only="true").json()["data"]
    assert [(r["product"], r["size"]) for r in low["rows"]] == [("Lara bej", "3×4")]

    # The product list's size filters narrow the rows to those sizes, and in stock is a
    # size's own stock once the rows are sizes.
    sized = _report(shop, "admin", "inventory", size="3x4").json()["data"]
    assert [(r["product"], r["size"]) for r in sized["rows"]] == [("Lara bej", "3×4")]
    assert sized["totals"]["size_count"] == 1
    wide = _report(shop, "admin", "inventory", width="3", in_stock="true").json()["data"]
    assert [(r["product"], r["size"]) for r in wide["rows"]] == [("Lara bej", "3×4")]
    assert _sell(shop, "plain_a", rug["id"], 1, 1_800_000, size="3×4").status_code == 201
    stocked = _report(shop, "admin", "inventory", in_stock="true").json()["data"]
    assert {(r["product"], r["size"]) for r in stocked["rows"]} == {
        ("Lara bej", "2×3"),
        ("Plain", ""),
    }
    assert (
        _report(shop, "admin", "inventory", width="3", in_stock="true").json()["data"]["rows"] == []
    )

    mine = _report(shop, "plain_a", "inventory").json()["data"]
    assert len(mine["rows"]) == 3
    assert all("buy_price" not in r and "stock_cost" not in r for r in mine["rows"])
    csv_lines, _ = csv_rows(_report(shop, "plain_a", "inventory", format="csv").content)
    assert "stock_cost" not in csv_lines[0]
    assert [r["size"] for r in csv_lines if r["product"] == "Lara bej"] == ["2×3", "3×4"]
