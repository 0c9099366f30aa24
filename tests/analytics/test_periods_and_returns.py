"""Shop-time day edges, returns netted, and the two ways of counting agreeing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from carpet_shop.analytics.repository import split_months
from carpet_shop.catalog.models import Category, ProductType
from carpet_shop.sales.models import PaymentType
from tests.analytics.shop import local, money
from tests.factories import auth_headers

MARCH_9 = date(2026, 3, 9)
MARCH_10 = date(2026, 3, 10)


def _analytics(client, headers, **params):
    response = client.get("/api/sales/analytics", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_days_begin_at_midnight_in_shop_time(client, factory, clock):
    branch = factory.branch()
    seller = factory.seller(branch=branch)
    product = factory.product(branch, sell_price=Decimal("500.00"))
    late = factory.receipt(seller, [(product, 1, "500.00")], date=local(MARCH_9, 23, 59))
    early = factory.receipt(seller, [(product, 1, "700.00")], date=local(MARCH_10, 0, 1))
    assert late.sale.date.day == 9 and early.sale.date.day == 9  # both on 9 March in UTC
    headers = auth_headers(client, factory.admin())

    today = _analytics(client, headers, period="today")
    assert today["totals"]["sale_count"] == 1
    assert money(today["totals"]["revenue"]) == Decimal("700.00")
    assert today["granularity"] == "hour"
    midnight = next(p for p in today["series"] if p["start"] == "2026-03-10T00:00:00+05:00")
    assert midnight["sale_count"] == 1
    assert sum(p["sale_count"] for p in today["series"]) == 1

    yesterday = _analytics(client, headers, date_from="2026-03-09", date_to="2026-03-09")
    assert yesterday["totals"]["sale_count"] == 1
    assert money(yesterday["totals"]["revenue"]) == Decimal("500.00")
    last_hour = yesterday["series"][-1]
    assert last_hour["start"] == "2026-03-09T23:00:00+05:00" and last_hour["sale_count"] == 1

    week = _analytics(client, headers, period="week")
    days = {p["start"][:10]: p["sale_count"] for p in week["series"]}
    assert week["granularity"] == "day" and len(days) == 7
    assert days["2026-03-09"] == 1 and days["2026-03-10"] == 1

    # One minute before the next shop day, "today" still holds the 00:01 sale; one minute
    # after, it is a new day with no sales.
    clock.current = local(MARCH_10, 23, 59)
    assert _analytics(client, headers, period="today")["totals"]["sale_count"] == 1
    clock.current = local(MARCH_10 + timedelta(days=1), 0, 1)
    assert _analytics(client, headers, period="today")["totals"]["sale_count"] == 0
    assert _analytics(client, headers, period="week")["totals"]["sale_count"] == 2
    clock.current = local(date(2026, 4, 1), 0, 1)
    headers = auth_headers(client, factory.admin())  # the old token has expired
    assert _analytics(client, headers, period="month")["totals"]["sale_count"] == 0


def test_approved_returns_are_netted_from_revenue_and_profits(client, factory):
    branch = factory.branch()
    seller = factory.seller(branch=branch)
    rug = factory.product(
        branch, buy_price=Decimal("1000.00"), sell_price=Decimal("1300.00"), stock=20
    )
    roll = factory.product(
        branch,
        category=Category.METRAJLAR,
        type=ProductType.METER,
        buy_price=Decimal("80.00"),
        sell_price=Decimal("100.00"),
        stock=Decimal("50.00"),
    )
    # 3 rugs at 1,400 (extra 300), and 2.5 m of roll at the standard 250.
    receipt = factory.receipt(
        seller,
        [(rug, 3, "4200.00"), (roll, "2.50", "250.00")],
        [(PaymentType.CASH, "4000.00"), (PaymentType.CARD, "450.00")],
        date=local(MARCH_10, 9),
    )
    rugs, metres = receipt.items
    assert rugs.extra_profit == Decimal("300.00") and rugs.director_profit == Decimal("900.00")
    factory.approve_return(receipt, rugs, 1, "1400.00")
    factory.approve_return(receipt, metres, "2.50", "250.00")
    headers = auth_headers(client, factory.admin())

    # Rollups (a month) and receipts (a product filter, and a one-day window) agree.
    for params in (
        {"period": "month"},
        {"period": "today"},
        {"product_id": str(rug.id), "period": "week"},
    ):
        data = _analytics(client, headers, **params)
        totals = data["totals"]
        assert money(totals["gross_revenue"]) == Decimal("4450.00")
        assert money(totals["refunded"]) == Decimal("1650.00")
        assert money(totals["revenue"]) == Decimal("2800.00")
        assert money(totals["extra_profit"]) == Decimal("200.00")  # 300 × 2/3
        assert money(totals["director_profit"]) == Decimal("600.00")  # rugs 900 × 2/3, roll 0
        assert totals["sale_count"] == 1 and totals["item_count"] == 2
        by_product = {p["product_id"]: p for p in data["top_products"]}
        assert money(by_product[str(rug.id)]["quantity"]) == Decimal("2")
        assert money(by_product[str(roll.id)]["quantity"]) == Decimal("0")
        # Payments are what was received; refunds are reported beside them.
        paid = {p["payment_type"]: money(p["amount"]) for p in data["by_payment_type"]}
        assert paid["cash"] == Decimal("4000.00") and paid["card"] == Decimal("450.00")


def test_profit_scaling_truncates_toward_zero_to_the_tiyin(client, factory):
    branch = factory.branch()
    seller = factory.seller(branch=branch)
    rug = factory.product(branch, buy_price=Decimal("1000.00"), sell_price=Decimal("1000.00"))
    # 3 rugs sold 0.01 below the standard price: extra -0.01, director's -0.01 too.
    receipt = factory.receipt(seller, [(rug, 3, "2999.99")], date=local(MARCH_10, 9))
    factory.approve_return(receipt, receipt.items[0], 1, "999.99")
    headers = auth_headers(client, factory.admin())
    for params in ({"period": "month"}, {"period": "today"}):
        totals = _analytics(client, headers, **params)["totals"]
        # -0.01 × 2/3 = -0.00666… → 0.00 (toward zero), on both paths.
        assert money(totals["extra_profit"]) == Decimal("0.00")
        assert money(totals["director_profit"]) == Decimal("0.00")
        assert money(totals["revenue"]) == Decimal("2000.00")


def test_series_fills_every_day_of_the_month_and_the_all_time_view_has_days_with_sales(
    client, factory
):
    branch = factory.branch()
    seller = factory.seller(branch=branch)
    product = factory.product(branch)
    factory.receipt(seller, [(product, 1, "150.00")], date=local(date(2026, 1, 15), 12))
    factory.receipt(seller, [(product, 1, "150.00")], date=local(MARCH_10, 12))
    headers = auth_headers(client, factory.admin())
    month = _analytics(client, headers, period="month")
    assert len(month["series"]) == 31
    assert (month["date_from"], month["date_to"]) == ("2026-03-01", "2026-03-31")
    everything = _analytics(client, headers)
    assert [p["start"][:10] for p in everything["series"]] == ["2026-01-15", "2026-03-10"]
    assert everything["date_from"] is None


@pytest.mark.parametrize(
    ("first", "last", "days", "months"),
    [
        ("2026-03-10", "2026-03-10", [("2026-03-10", "2026-03-10")], None),
        ("2026-03-01", "2026-03-31", [], ("2026-03-01", "2026-03-01")),
        ("2026-03-01", "2026-03-30", [("2026-03-01", "2026-03-30")], None),
        (
            "2026-01-25",
            "2026-04-02",
            [("2026-01-25", "2026-01-31"), ("2026-04-01", "2026-04-02")],
            ("2026-02-01", "2026-03-01"),
        ),
        ("2025-12-01", "2026-02-28", [], ("2025-12-01", "2026-02-01")),
        ("2026-02-02", "2026-03-01", [("2026-02-02", "2026-03-01")], None),
    ],
)
def test_windows_split_into_whole_months_and_the_days_around_them(first, last, days, months):
    parse = date.fromisoformat
    got_days, got_months = split_months(parse(first), parse(last))
    assert got_days == [(parse(a), parse(b)) for a, b in days]
    assert got_months == (tuple(map(parse, months)) if months else None)
