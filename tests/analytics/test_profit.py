"""The director's profit: admin only, per branch with shares that add up to 100."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carpet_shop.analytics.figures import shares_percent
from tests.analytics.shop import Query, build_shop, grouped, local, money, selected, totals
from tests.factories import assert_error, auth_headers


def _profit(client, headers, **params):
    response = client.get("/api/sales/profit", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_sellers_may_not_see_the_directors_profit(client, factory):
    seller = factory.seller()
    assert_error(
        client.get("/api/sales/profit", headers=auth_headers(client, seller)), 403, "FORBIDDEN"
    )
    assert_error(client.get("/api/sales/profit"), 401, "UNAUTHORIZED")


def test_profit_per_branch_with_shares_and_series(client, factory):
    shop = build_shop(factory, sales=24)
    headers = auth_headers(client, factory.admin())
    lines = selected(shop, Query(None, None))
    per_branch = grouped(lines, lambda line: str(line.branch_id))
    for group_by in ("day", "week", "month"):
        data = _profit(client, headers, group_by=group_by)
        assert money(data["totals"]["director_profit"]) == totals(lines)["director_profit"]
        assert money(data["totals"]["extra_profit"]) == totals(lines)["extra_profit"]
        for row in data["by_branch"]:
            expected = per_branch[row["branch_id"]]
            assert money(row["director_profit"]) == expected["director_profit"]
            assert money(row["extra_profit"]) == expected["extra_profit"]
        assert sum(money(row["share_percent"]) for row in data["by_branch"]) == Decimal("100")
        series = data["series"]
        assert sum(money(p["director_profit"]) for p in series) == totals(lines)["director_profit"]
        starts = [p["start"] for p in series]
        assert starts == sorted(starts)
        if group_by == "month":
            assert {s[8:10] for s in starts} == {"01"}
        if group_by == "week":
            assert {date.fromisoformat(s[:10]).weekday() for s in starts} == {0}


def test_profit_takes_the_sales_list_filters(client, factory):
    shop = build_shop(factory, sales=16)
    headers = auth_headers(client, factory.admin())
    branch = shop.branches[1]
    data = _profit(client, headers, branch_id=str(branch.id), period="month", group_by="week")
    lines = selected(shop, Query(date(2026, 3, 1), date(2026, 3, 31), branch_id=branch.id))
    assert money(data["totals"]["director_profit"]) == totals(lines)["director_profit"]
    assert [row["branch_id"] for row in data["by_branch"]] == ([str(branch.id)] if lines else [])


def test_a_loss_making_branch_gets_no_slice(client, factory):
    admin_headers = auth_headers(client, factory.admin())
    good, bad = factory.branch(), factory.branch()
    for branch, amount in ((good, "1500.00"), (bad, "500.00")):
        seller = factory.seller(branch=branch)
        rug = factory.product(branch, buy_price=Decimal("1000.00"), sell_price=Decimal("1200.00"))
        # The director may sell below cost: that branch's profit is negative.
        factory.receipt(seller, [(rug, 1, amount)], date=local(date(2026, 3, 10), 10))
    rows = {r["branch_id"]: r for r in _profit(client, admin_headers)["by_branch"]}
    assert money(rows[str(good.id)]["share_percent"]) == Decimal("100")
    assert money(rows[str(bad.id)]["share_percent"]) == Decimal("0")
    assert money(rows[str(bad.id)]["director_profit"]) < 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.decimals(min_value=-(10**9), max_value=10**9, places=2), max_size=8))
def test_shares_always_add_up_to_100_when_anything_is_positive(values):
    shares = shares_percent(values)
    assert len(shares) == len(values)
    assert all(s >= 0 and s == s.quantize(Decimal("0.01")) for s in shares)
    if any(v > 0 for v in values):
        assert sum(shares) == Decimal("100.00")
        # Never off by more than a hundredth of a percent from the exact share.
        total = sum(v for v in values if v > 0)
        for v, s in zip(values, shares, strict=True):
            assert abs(max(v, 0) * 100 / total - s) < Decimal("0.01")
    else:
        assert sum(shares) == 0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1", "1", "1"], ["33.34", "33.33", "33.33"]),
        (["2", "1"], ["66.67", "33.33"]),
        (["0", "-5", "7"], ["0.00", "0.00", "100.00"]),
    ],
)
def test_share_rounding_goes_to_the_largest_remainder(values, expected):
    assert shares_percent([Decimal(v) for v in values]) == [Decimal(e) for e in expected]
