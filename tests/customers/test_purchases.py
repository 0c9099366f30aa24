"""A customer's purchases in their profile: the sales that name them, confined to the
caller's branch for a seller."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.factories import assert_ok
from tests.shop import Shop, make_shop

DUE = (date(2026, 3, 10) + timedelta(days=30)).isoformat()


@pytest.fixture
def store(factory, client) -> Shop:
    # The sales cast (this folder's `shop` is the debts one).
    return make_shop(factory, client)


def _profile(store: Shop, customer_id: str, headers: dict[str, str]) -> dict[str, Any]:
    return assert_ok(store.client.get(f"/api/customers/{customer_id}", headers=headers))


def test_each_branch_sees_only_its_own_purchases_of_a_customer(store: Shop):
    here = store.factory.product(store.branch, stock=5)
    there = store.factory.product(store.other_branch, stock=5)
    credit = assert_ok(
        store.sell(
            store.seller_h,
            here,
            payment_type="debt",
            customer_name="Aziz Rahimov",
            customer_phone="90 123 45 67",
            debt_deadline=DUE,
        ),
        201,
    )
    customer_id = credit["customer_id"]
    cash = assert_ok(store.sell(store.other_h, there, customer_id=customer_id), 201)
    assert cash["customer_id"] == customer_id

    mine = _profile(store, customer_id, store.seller_h)
    assert [p["id"] for p in mine["purchases"]] == [credit["id"]]
    assert mine["purchases_count"] == 1
    assert [d["sale_id"] for d in mine["debts"]] == [credit["id"]]
    assert mine["totals"]["outstanding_amount"] == 150_000

    # The other branch's seller finds the person, but not this branch's money.
    theirs = _profile(store, customer_id, store.other_h)
    assert [p["id"] for p in theirs["purchases"]] == [cash["id"]]
    assert theirs["debts"] == []
    assert theirs["totals"]["outstanding_amount"] == 0

    everything = _profile(store, customer_id, store.admin_h)
    assert {p["id"] for p in everything["purchases"]} == {credit["id"], cash["id"]}
    assert everything["purchases_count"] == 2
    for purchase in everything["purchases"]:
        assert "cost" not in purchase and "director_profit" not in purchase


def test_purchases_follow_the_customer_when_their_phone_is_corrected(store: Shop):
    product = store.factory.product(store.branch, stock=5)
    sale = assert_ok(
        store.sell(store.seller_h, product, customer_name="Kamola", customer_phone="935556677"),
        201,
    )
    url = f"/api/customers/{sale['customer_id']}"
    fixed = store.client.put(url, json={"phone": "+998 93 555 66 78"}, headers=store.seller_h)
    assert fixed.status_code == 200, fixed.text
    profile = _profile(store, sale["customer_id"], store.seller_h)
    assert [p["id"] for p in profile["purchases"]] == [sale["id"]]


def test_a_sale_that_carried_only_the_phone_counts_for_its_customer(store: Shop):
    product = store.factory.product(store.branch, stock=5)
    phoned = assert_ok(store.sell(store.seller_h, product, customer_phone="90-765-43-21"), 201)
    assert phoned["customer_id"] is None
    customer = store.factory.customer("Later Registered", "+998907654321")
    profile = _profile(store, str(customer.id), store.seller_h)
    assert [p["id"] for p in profile["purchases"]] == [phoned["id"]]
    # Another branch's seller does not see it.
    assert _profile(store, str(customer.id), store.other_h)["purchases"] == []
