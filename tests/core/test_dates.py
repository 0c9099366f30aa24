"""Dates are bounded to 2000-01-01 … 2100-01-01: a sale's date, every date filter, discount
windows and debt deadlines outside them are a 422 on the field, never a 500 or a stored row."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from carpet_shop.sales.models import Sale
from tests.factories import assert_error, assert_ok
from tests.shop import Shop, make_shop

OUTSIDE_INSTANTS = [
    "0001-01-01T00:00:00+00:00",
    "0001-01-01T00:00:00+14:00",
    "1999-12-31T23:59:59+00:00",
    "2100-01-02T00:00:00+00:00",
    "9999-12-31T23:59:59-12:00",
]


@pytest.fixture
def shop(factory, client) -> Shop:
    return make_shop(factory, client)


def _fields(body) -> list[str]:
    return [f["field"] for f in body["error"]["details"]["fields"]]


def test_a_sale_dated_outside_the_bounds_is_refused_and_nothing_is_stored(shop: Shop):
    product = shop.factory.product(shop.branch)
    for when in OUTSIDE_INSTANTS:
        body = assert_error(shop.sell(shop.admin_h, product, date=when), 422, "VALIDATION_ERROR")
        assert _fields(body) == ["date"], when
    assert shop.count(Sale) == 0
    assert shop.stock(product) == 10


def test_a_sale_dated_inside_the_bounds_is_accepted(shop: Shop):
    product = shop.factory.product(shop.branch)
    sale = assert_ok(shop.sell(shop.admin_h, product, date="2000-01-01T00:00:00+00:00"), 201)
    assert sale["date"].startswith("2000-01-01")


FILTERED = [
    ("/api/sales", "admin"),
    ("/api/sales", "seller"),
    ("/api/sales/analytics", "admin"),
    ("/api/sales/analytics", "seller"),
    ("/api/sales/profit", "admin"),
    ("/api/commissions", "admin"),
    ("/api/commissions/my", "seller"),
    ("/api/audit-logs", "admin"),
    ("/api/returns", "admin"),
]


def test_date_filters_outside_the_bounds_are_refused(shop: Shop):
    for url, who in FILTERED:
        headers = shop.admin_h if who == "admin" else shop.seller_h
        for param, value in [
            ("date_from", "0001-01-01"),
            ("date_to", "9999-12-31"),
            ("date_from", "1999-12-31"),
        ]:
            response = shop.client.get(
                url, params={"period": "custom", param: value}, headers=headers
            )
            assert _fields(assert_error(response, 422, "VALIDATION_ERROR")) == [param], url


def test_date_filters_at_the_bounds_are_served(shop: Shop):
    params = {"period": "custom", "date_from": "2000-01-01", "date_to": "2100-01-01"}
    for url, who in FILTERED:
        headers = shop.admin_h if who == "admin" else shop.seller_h
        assert_ok(shop.client.get(url, params=params, headers=headers))


def test_debt_deadline_filters_are_bounded(shop: Shop):
    for param in ("deadline_from", "deadline_to"):
        response = shop.client.get("/api/debts", params={param: "9999-12-31"}, headers=shop.admin_h)
        assert _fields(assert_error(response, 422, "VALIDATION_ERROR")) == [param]


def _discount(**fields):
    return {
        "name": "Navro'z",
        "discount_type": "PERCENTAGE",
        "discount_value": 10,
        "applicable_to": "ALL",
        "start_date": "2026-03-01T00:00:00+05:00",
        **fields,
    }


@pytest.mark.parametrize("field", ["start_date", "end_date"])
def test_discount_windows_are_bounded(shop: Shop, field):
    for when in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59+00:00"):
        _refused_on_create_and_update(shop, field, when)


def _refused_on_create_and_update(shop: Shop, field: str, when: str) -> None:
    response = shop.client.post(
        "/api/discounts", json=_discount(**{field: when}), headers=shop.admin_h
    )
    assert _fields(assert_error(response, 422, "VALIDATION_ERROR")) == [field]
    made = assert_ok(
        shop.client.post("/api/discounts", json=_discount(), headers=shop.admin_h), 201
    )
    response = shop.client.put(
        f"/api/discounts/{made['id']}", json={field: when}, headers=shop.admin_h
    )
    assert _fields(assert_error(response, 422, "VALIDATION_ERROR")) == [field]


def test_a_debt_deadline_is_bounded(shop: Shop):
    body = {
        "customer_name": "Aziz Rahimov",
        "customer_phone": "+998 90 765 43 21",
        "total_amount": 100000,
        "payment_deadline": "9999-12-31",
    }
    response = shop.client.post("/api/debts", json=body, headers=shop.seller_h)
    assert _fields(assert_error(response, 422, "VALIDATION_ERROR")) == ["payment_deadline"]
    assert shop.scalar(select(func.count()).select_from(Sale)) == 0
