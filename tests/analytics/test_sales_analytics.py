"""Analytics totals equal the sums of the sales they select, for any filters and period."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.analytics.shop import (
    TODAY,
    Query,
    Shop,
    build_shop,
    figures,
    grouped,
    money,
    payments,
    selected,
    shop_day,
    totals,
)
from tests.factories import auth_headers

SALE_KEYS = (
    "sale_count",
    "item_count",
    "revenue",
    "gross_revenue",
    "refunded",
    "extra_profit",
    "director_profit",
)
ITEM_KEYS = SALE_KEYS[1:]


@pytest.fixture
def shop(factory) -> Shop:
    return build_shop(factory)


def _window(params: dict[str, Any]) -> tuple[date | None, date | None]:
    period = params.get("period")
    if period == "today":
        return TODAY, TODAY
    if period == "week":
        monday = TODAY - timedelta(days=TODAY.weekday())
        return monday, monday + timedelta(days=6)
    if period == "month":
        return date(2026, 3, 1), date(2026, 3, 31)
    first, last = params.get("date_from"), params.get("date_to")
    if first is None and last is None:
        return None, None
    return (date.fromisoformat(first) if first else date(2000, 1, 1)), (
        date.fromisoformat(last) if last else TODAY
    )


def _filters(shop: Shop) -> st.SearchStrategy[dict[str, Any]]:
    days = st.dates(date(2026, 1, 25), date(2026, 3, 20)).map(date.isoformat)
    # Valid windows only: a lone date_from runs to today, so it cannot be after today.
    custom = st.fixed_dictionaries({}, optional={"date_from": days, "date_to": days}).filter(
        lambda p: _window(p)[0] is None or _window(p)[0] <= _window(p)[1]
    )
    period = st.one_of(
        st.just({}),
        st.sampled_from([{"period": "today"}, {"period": "week"}, {"period": "month"}]),
        custom,
    )
    optional = {
        "branch_id": st.sampled_from(shop.branches).map(lambda b: str(b.id)),
        "seller_id": st.sampled_from(shop.sellers).map(lambda s: str(s.id)),
        "payment_type": st.sampled_from(["cash", "card", "transfer"]),
        "product_id": st.sampled_from(shop.products).map(lambda p: str(p.id)),
        "customer_phone": st.sampled_from(shop.phones),
    }
    # Each filter in about one example of four, so most examples still select some sales.
    others = st.fixed_dictionaries(
        {k: st.one_of(st.none(), st.none(), st.none(), v) for k, v in optional.items()}
    ).map(lambda d: {k: v for k, v in d.items() if v is not None})
    return st.tuples(period, others).map(lambda t: {**t[0], **t[1]})


def _query(params: dict[str, Any]) -> Query:
    first, last = _window(params)
    return Query(
        first,
        last,
        branch_id=params.get("branch_id"),
        seller_id=params.get("seller_id"),
        payment_type=params.get("payment_type"),
        product_id=params.get("product_id"),
        customer_phone=params.get("customer_phone"),
    )


def check_report(data: dict[str, Any], shop: Shop, q: Query, *, admin: bool = True) -> None:
    import uuid

    q = Query(
        q.first_day,
        q.last_day,
        uuid.UUID(q.branch_id) if isinstance(q.branch_id, str) else q.branch_id,
        uuid.UUID(q.seller_id) if isinstance(q.seller_id, str) else q.seller_id,
        q.payment_type and type(shop.lines[0].payments[0][0])(q.payment_type),
        uuid.UUID(q.product_id) if isinstance(q.product_id, str) else q.product_id,
        q.customer_phone,
    )
    lines = selected(shop, q)
    sale_keys = SALE_KEYS if admin else tuple(k for k in SALE_KEYS if k != "director_profit")
    item_keys = ITEM_KEYS if admin else tuple(k for k in ITEM_KEYS if k != "director_profit")
    assert figures(data["totals"], sale_keys) == figures(totals(lines), sale_keys)

    by_branch = {row["branch_id"]: figures(row, sale_keys) for row in data["by_branch"]}
    expected = grouped(lines, lambda line: str(line.branch_id))
    assert by_branch == {k: figures(v, sale_keys) for k, v in expected.items()}

    by_seller = {row["seller_id"]: figures(row, sale_keys) for row in data["by_seller"]}
    expected = grouped(lines, lambda line: str(line.seller_id))
    assert by_seller == {k: figures(v, sale_keys) for k, v in expected.items()}

    by_category = {row["category"]: figures(row, item_keys) for row in data["by_category"]}
    expected = grouped(lines, lambda line: line.product.category.value)
    assert by_category == {k: figures(v, item_keys) for k, v in expected.items()}

    by_collection = {row["collection_id"]: figures(row, item_keys) for row in data["by_collection"]}
    expected = grouped(lines, lambda line: str(line.product.collection_id))
    assert by_collection == {k: figures(v, item_keys) for k, v in expected.items()}

    per_product = grouped(lines, lambda line: str(line.product.id))
    top = data["top_products"]
    assert len(top) == min(10, len(per_product))
    for row in top:
        assert figures(row, item_keys) == figures(per_product[row["product_id"]], item_keys)
    revenues = [money(row["revenue"]) for row in top]
    assert revenues == sorted(revenues, reverse=True)

    paid = payments(lines)
    assert {
        row["payment_type"]: (row["sale_count"], money(row["amount"]))
        for row in data["by_payment_type"]
    } == {k: v for k, v in paid.items() if k != "debt"} | {"debt": (0, Decimal("0.00"))}

    # The series covers the same sales, each in its shop day (or hour, for one day).
    if data["granularity"] == "hour":
        key = lambda line: shop_day(line.date).isoformat() + f"T{(line.date.hour + 5) % 24:02d}"  # noqa: E731
        points = {p["start"][:13]: p for p in data["series"]}
        assert len(data["series"]) == 24
    else:
        key = lambda line: shop_day(line.date).isoformat()  # noqa: E731
        points = {p["start"][:10]: p for p in data["series"]}
        assert all(p["start"].endswith("T00:00:00+05:00") for p in data["series"])
    expected = grouped(lines, key)
    for k, v in expected.items():
        assert figures(points[k], sale_keys) == figures(v, sale_keys)
    for k, p in points.items():
        if k not in expected:
            assert p["sale_count"] == 0 and money(p["revenue"]) == 0


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_totals_equal_the_sum_of_the_selected_sales(client, factory, shop, data):
    headers = auth_headers(client, factory.admin())
    params = data.draw(_filters(shop))
    response = client.get("/api/sales/analytics", params=params, headers=headers)
    assert response.status_code == 200, response.text
    check_report(response.json()["data"], shop, _query(params))


def test_a_seller_gets_their_branch_without_the_directors_profit(client, factory, shop):
    seller = shop.sellers[0]
    headers = auth_headers(client, seller)
    for params in ({}, {"period": "month"}, {"period": "today"}, {"payment_type": "card"}):
        response = client.get("/api/sales/analytics", params=params, headers=headers)
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        check_report(data, shop, _query({**params, "branch_id": seller.branch_id}), admin=False)
        assert "director_profit" not in data["totals"]
        assert {row["branch_id"] for row in data["by_branch"]} <= {str(seller.branch_id)}


def test_a_seller_asking_for_another_branch_is_refused(client, factory, shop):
    headers = auth_headers(client, shop.sellers[0])
    other = shop.branches[1]
    response = client.get(
        "/api/sales/analytics", params={"branch_id": str(other.id)}, headers=headers
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_analytics_need_a_token(client):
    response = client.get("/api/sales/analytics")
    assert response.status_code == 401
