from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from pydantic import TypeAdapter
from sqlalchemy import event

from carpet_shop.catalog.models import Category, ProductType
from tests.factories import TwoBranches, assert_error


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def names(response):
    assert response.status_code == 200, response.text
    return [p["name"] for p in response.json()["data"]]


@pytest.fixture
def catalog(shop, clock):
    """A small catalog in branch A (and one product in B)."""
    emili = shop.factory.collection("Emili")
    shop.factory.ensure_sizes(["1.5×2.25", "3×5"])
    specs = [
        {"name": "Oʻzbek gilam", "sizes": ("2×3", "2×4"), "quantity": 3, "sell_price": 300},
        {
            "name": "Qo‘qon palos",
            "category": Category.PALOSLAR,
            "sizes": ("3×4",),
            "quantity": 0,
            "sell_price": 150,
        },
        {
            "name": "Emili metraj",
            "collection": emili,
            "type": ProductType.METER,
            "length": "12.5",
            "sizes": ("3×5",),
            "sell_price": 90,
        },
        {
            "name": "Gulli 50%_off",
            "collection": emili,
            "sizes": ("1.5×2.25",),
            "quantity": 1,
            "sell_price": 150,
        },
    ]
    made = []
    for spec in specs:
        made.append(shop.product(**spec))
        clock.advance(timedelta(minutes=1))
    shop.product(branch=shop.branch_b, name="Sergeli gilam")
    return made


def test_a_seller_lists_their_branch_and_an_admin_any(shop, catalog):
    assert len(names(shop.get("plain_a", "/api/products"))) == 4
    assert names(shop.get("editor_b", "/api/products")) == ["Sergeli gilam"]
    assert len(names(shop.get("admin", "/api/products"))) == 5
    only_b = shop.get("admin", "/api/products", branch_id=str(shop.branch_b.id))
    assert names(only_b) == ["Sergeli gilam"]
    own = shop.get("plain_a", "/api/products", branch_id=str(shop.branch_a.id))
    assert len(names(own)) == 4
    assert_error(
        shop.get("plain_a", "/api/products", branch_id=str(shop.branch_b.id)), 403, "FORBIDDEN"
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "Paloslar"}, ["Qo‘qon palos"]),
        ({"collection": "emili"}, ["Emili metraj", "Gulli 50%_off"]),
        ({"type": "meter"}, ["Emili metraj"]),
        ({"size": "2x4"}, ["Oʻzbek gilam"]),
        ({"size": "1,5*2,25"}, ["Gulli 50%_off"]),
        ({"width": "3"}, ["Emili metraj", "Qo‘qon palos"]),
        ({"width": 2, "height": 4}, ["Oʻzbek gilam"]),
        ({"width": 3, "height": 3}, []),  # width 3 and height 3 must be one size
        ({"height": "2.25"}, ["Gulli 50%_off"]),
        ({"in_stock": "true"}, ["Emili metraj", "Gulli 50%_off", "Oʻzbek gilam"]),
        ({"in_stock": "false"}, ["Qo‘qon palos"]),
        ({"q": "GILAM"}, ["Oʻzbek gilam"]),
        ({"q": "50%"}, ["Gulli 50%_off"]),  # LIKE's wildcards are plain characters
        ({"q": "_"}, ["Gulli 50%_off"]),
        ({"category": "Gilamlar", "in_stock": "true", "collection": "Emili"}, ["Gulli 50%_off"]),
    ],
)
def test_filters(shop, catalog, params, expected):
    assert names(shop.get("plain_a", "/api/products", **params)) == expected


@pytest.mark.parametrize("apostrophe", ["ʻ", "’", "'", "`", "‘", "ʼ"])
def test_q_treats_every_uzbek_apostrophe_alike(shop, catalog, apostrophe):
    assert names(shop.get("plain_a", "/api/products", q=f"o{apostrophe}zbek")) == ["Oʻzbek gilam"]
    assert names(shop.get("plain_a", "/api/products", q=f"QO{apostrophe}QON")) == ["Qo‘qon palos"]
    # o‘ is its own letter: plain o does not match it.
    assert names(shop.get("plain_a", "/api/products", q="ozbek")) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Emili metraj", "Gulli 50%_off", "Oʻzbek gilam", "Qo‘qon palos"]),
        ("-name", ["Qo‘qon palos", "Oʻzbek gilam", "Gulli 50%_off", "Emili metraj"]),
        ("price", ["Emili metraj", "Gulli 50%_off", "Qo‘qon palos", "Oʻzbek gilam"]),
        ("-price", ["Oʻzbek gilam", "Gulli 50%_off", "Qo‘qon palos", "Emili metraj"]),
        ("quantity", ["Qo‘qon palos", "Gulli 50%_off", "Oʻzbek gilam", "Emili metraj"]),
        ("-quantity", ["Emili metraj", "Oʻzbek gilam", "Gulli 50%_off", "Qo‘qon palos"]),
        ("created_at", ["Oʻzbek gilam", "Qo‘qon palos", "Emili metraj", "Gulli 50%_off"]),
        ("-created_at", ["Gulli 50%_off", "Emili metraj", "Qo‘qon palos", "Oʻzbek gilam"]),
    ],
)
def test_sorting(shop, catalog, sort, expected):
    assert names(shop.get("plain_a", "/api/products", sort=sort)) == expected


def test_pagination_follows_the_contract(shop, catalog):
    first = shop.get("plain_a", "/api/products", page=1, page_size=3)
    assert first.json()["meta"] == {"page": 1, "page_size": 3, "total": 4}
    second = shop.get("plain_a", "/api/products", page=2, page_size=3)
    assert len(names(first)) == 3 and len(names(second)) == 1
    assert set(names(first)).isdisjoint(names(second))
    assert_error(shop.get("plain_a", "/api/products", page_size=201), 422, "VALIDATION_ERROR")
    assert_error(shop.get("plain_a", "/api/products", page=0), 422, "VALIDATION_ERROR")


def test_a_page_past_the_end_is_empty_and_still_counts(shop, catalog):
    past = shop.get("plain_a", "/api/products", page=3, page_size=3)
    assert past.json()["data"] == []
    assert past.json()["meta"] == {"page": 3, "page_size": 3, "total": 4}
    exact = shop.get("plain_a", "/api/products", page=1, page_size=4)
    assert exact.json()["meta"]["total"] == 4
    nothing = shop.get("plain_a", "/api/products", q="no such carpet")
    assert nothing.json()["data"] == [] and nothing.json()["meta"]["total"] == 0


@pytest.mark.parametrize("who", ["admin", "plain_a"])
def test_a_listed_product_reads_exactly_as_it_does_on_its_own(shop, catalog, who):
    # The list is shaped from rows and serialised in one pass; a single product through its
    # response model. Both must answer the same fields with the same values.
    listed = shop.get(who, "/api/products", page_size=200).json()["data"]
    assert {p["type"] for p in listed} == {"unit", "meter"}
    for item in listed:
        alone = shop.get(who, f"/api/products/{item['id']}")
        assert alone.status_code == 200, alone.text
        assert item == alone.json()["data"]
    assert all(("buy_price" in p) is (who == "admin") for p in listed)


def test_every_kind_of_value_lists_as_it_reads_on_its_own(shop, clock):
    # The list writes raw column values as JSON itself (core.json_values): cents, thresholds
    # of its own and the defaults, photos, a whole-second instant and a deleted product.
    clock.current = clock.now().replace(microsecond=0)
    shop.product(
        name="Tiyinli gilam",
        buy_price="999.99",
        sell_price="1234.56",
        quantity=2,
        max_quantity=7,
        low_stock_threshold="2",
        photo_thumb="/uploads/t.jpg",
    )
    clock.advance(timedelta(microseconds=120))
    shop.product(
        name="Kesma metraj",
        type=ProductType.METER,
        length="3.05",
        buy_price="80.5",
        sell_price="100",
        sell_price_per_meter="120.75",
        low_stock_threshold="3.5",
    )
    gone = shop.product(name="Sotilmaydi", quantity=0)
    before = shop.get("admin", f"/api/products/{gone.id}").json()["data"]
    clock.advance(timedelta(seconds=1))
    assert shop.delete("admin", f"/api/products/{gone.id}").status_code == 200
    deleted_at = TypeAdapter(datetime).dump_python(clock.now(), mode="json")
    for who, params in [("admin", {"include_deleted": "true"}), ("plain_a", {})]:
        listed = shop.get(who, "/api/products", page_size=200, **params).json()["data"]
        assert {p["name"] for p in listed} >= {"Tiyinli gilam", "Kesma metraj"}
        assert any(p["deleted_at"] for p in listed) is (who == "admin")
        for item in listed:
            if item["id"] == str(gone.id):
                # A deleted product has no single read: compare with the one before.
                expected = before | {"deleted_at": deleted_at, "updated_at": item["updated_at"]}
            else:
                expected = shop.get("admin", f"/api/products/{item['id']}").json()["data"]
            if who != "admin":
                # The director's fields: the buy price, per product, per m² and per size.
                expected.pop("buy_price")
                expected.pop("buy_price_per_m2")
                for size in expected["sizes"]:
                    size.pop("buy_price")
                    size.pop("buy_price_per_meter")
            assert item == expected


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "price; drop table products"},
        {"category": "Mebel"},
        {"size": "big"},
        {"width": "-1"},
        {"width": "abc"},
        {"height": "1.234"},
        {"in_stock": "maybe"},
        {"q": "x" * 101},
        {"collection_id": "nope"},
    ],
)
def test_bad_filters_are_validation_errors(shop, params):
    assert_error(shop.get("admin", "/api/products", **params), 422, "VALIDATION_ERROR")


@contextmanager
def counting_queries(db):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_listing_makes_the_same_few_queries_for_any_number_of_products(shop, db):
    def queries_for_listing():
        with counting_queries(db) as statements:
            assert shop.get("plain_a", "/api/products", page_size=200).status_code == 200
        return len(statements)

    for n in range(2):
        shop.product(collection=shop.factory.collection(f"Few {n}"))
    few = queries_for_listing()
    for n in range(12):
        shop.product(collection=shop.factory.collection(f"Many {n}"))
    assert queries_for_listing() == few
    with counting_queries(db) as statements:
        shop.get("plain_a", "/api/catalog/facets", category="Gilamlar")
    facet_queries = [s for s in statements if "GROUP BY" in s]
    assert len(facet_queries) == 1


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/products", {"q": "a\x00b"}),
        ("/api/products", {"collection": "\x00"}),
        ("/api/products/autocomplete", {"q": "\x00"}),
        ("/api/search", {"q": "\x00"}),
        ("/api/catalog/facets", {"collection": "\x00"}),
        ("/api/collections", {"q": "\x00"}),
        ("/api/sizes", {"collection": "\x00"}),
    ],
)
def test_nul_characters_are_refused_not_a_crash(shop, path, params):
    # PostgreSQL cannot compare text with NUL in it: without the check this was a 500.
    assert_error(shop.get("admin", path, **params), 422, "VALIDATION_ERROR")


def test_nul_characters_in_bodies_are_refused(shop):
    for body in (shop.product_json(name="a\x00b"), shop.product_json(available_sizes=["2×3\x00"])):
        assert_error(shop.post("admin", "/api/products", body), 422, "VALIDATION_ERROR")
    assert_error(shop.post("admin", "/api/collections", {"name": "\x00"}), 422, "VALIDATION_ERROR")


def test_a_collection_id_sent_as_collection_works_too(shop, catalog):
    emili_id = catalog[2].collection_id
    by_id = shop.get("plain_a", "/api/products", collection=str(emili_id))
    assert names(by_id) == ["Emili metraj", "Gulli 50%_off"]
    sizes = shop.get("plain_a", "/api/sizes", collection=str(emili_id), include_global=False)
    assert sizes.json()["data"] == []
    body = shop.product_json(collection=str(emili_id), name="By id")
    created = shop.post("admin", "/api/products", body)
    assert created.status_code == 201, created.text
    assert created.json()["data"]["collection"] == "Emili"
