from __future__ import annotations

import uuid

import pytest

from carpet_shop.search import registry
from carpet_shop.search.hits import SearchHit
from tests.factories import TwoBranches, assert_error


@pytest.fixture
def shop(client, factory):
    shop = TwoBranches.build(client, factory)
    shop.product(name="Gilam Lara", quantity=0)
    shop.product(name="Lara gilam", quantity=2)
    shop.product(name="Katta lara gilam", quantity=1)
    shop.product(name="Sultan", quantity=4)
    shop.product(branch=shop.branch_b, name="Lara Sergeli")
    return shop


def names(response):
    assert response.status_code == 200, response.text
    return [p["name"] for p in response.json()["data"]]


def test_autocomplete_puts_names_starting_with_q_first(shop):
    got = names(shop.get("plain_a", "/api/products/autocomplete", q="lara"))
    assert got == ["Lara gilam", "Katta lara gilam", "Gilam Lara"]
    assert names(shop.get("plain_a", "/api/products/autocomplete", q="lara", limit=1)) == [
        "Lara gilam"
    ]
    in_stock = shop.get("plain_a", "/api/products/autocomplete", q="gilam", in_stock="true")
    assert names(in_stock) == ["Katta lara gilam", "Lara gilam"]
    item = shop.get("plain_a", "/api/products/autocomplete", q="sultan").json()["data"][0]
    assert set(item) == {
        "id",
        "name",
        "category",
        "collection",
        "type",
        "standard_price",
        "stock",
        "in_stock",
        "available_sizes",
        "photo_thumb",
        "branch_id",
    }


def test_autocomplete_is_scoped_and_validated(shop):
    assert names(shop.get("editor_b", "/api/products/autocomplete", q="lara")) == ["Lara Sergeli"]
    assert len(names(shop.get("admin", "/api/products/autocomplete", q="lara"))) == 4
    only_b = shop.get(
        "admin", "/api/products/autocomplete", q="lara", branch_id=str(shop.branch_b.id)
    )
    assert names(only_b) == ["Lara Sergeli"]
    assert_error(
        shop.get("plain_a", "/api/products/autocomplete", q="x", branch_id=str(shop.branch_b.id)),
        403,
        "FORBIDDEN",
    )
    for params in ({}, {"q": ""}, {"q": "a", "limit": 0}, {"q": "a", "limit": 51}):
        assert_error(
            shop.get("plain_a", "/api/products/autocomplete", **params), 422, "VALIDATION_ERROR"
        )


def test_global_search_finds_products_of_the_callers_branch(shop):
    response = shop.get("plain_a", "/api/search", q="lara")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["query"] == "lara"
    assert data["types"] == ["product", "customer", "debt"]
    assert [h["title"] for h in data["results"]] == [
        "Lara gilam",
        "Katta lara gilam",
        "Gilam Lara",
    ]
    hit = data["results"][0]
    assert hit["type"] == "product" and hit["branch_id"] == str(shop.branch_a.id)
    assert hit["subtitle"].startswith("Gilamlar · ")
    typed = shop.get("plain_a", "/api/search", q="sultan", type="product").json()["data"]
    assert [h["title"] for h in typed["results"]] == ["Sultan"]
    body = assert_error(
        shop.get("plain_a", "/api/search", q="x", type="car"), 422, "VALIDATION_ERROR"
    )
    assert body["error"]["details"]["fields"][0]["field"] == "type"
    assert_error(shop.get("plain_a", "/api/search"), 422, "VALIDATION_ERROR")


def test_a_new_searchable_type_is_one_registration(shop, monkeypatch):
    seen = []

    def suppliers(session, scope, q, limit, context):
        seen.append((scope.list_branch_id, q, limit))
        return [SearchHit(type="supplier", id=uuid.uuid4(), title=f"Supplier {q}")]

    monkeypatch.setitem(registry.SEARCHABLE, "supplier", suppliers)
    both = shop.get("plain_a", "/api/search", q="ali", limit=3).json()["data"]
    assert both["types"] == ["product", "customer", "debt", "supplier"]
    assert [h["type"] for h in both["results"]] == ["supplier"]
    only = shop.get("plain_a", "/api/search", q="ali", type="supplier").json()["data"]
    assert [h["title"] for h in only["results"]] == ["Supplier ali"]
    assert seen[0] == (shop.branch_a.id, "ali", 3)


def test_customers_and_debts_are_searchable_and_debts_stay_in_their_branch(shop):
    factory = shop.factory
    customer = factory.customer("Aziza Rahimova", "+998901112233")
    factory.debt(branch=shop.branch_b, customer=customer, total=500)

    mine = shop.get("plain_a", "/api/search", q="aziza").json()["data"]["results"]
    # The registry is shop-wide; the debt belongs to branch B, so a seller of A sees no debt.
    assert [(h["type"], h["title"]) for h in mine] == [("customer", "Aziza Rahimova")]

    director = shop.get("admin", "/api/search", q="90 111 22 33").json()["data"]["results"]
    assert {h["type"] for h in director} == {"customer", "debt"}
    debt = next(h for h in director if h["type"] == "debt")
    assert debt["branch_id"] == str(shop.branch_b.id)
