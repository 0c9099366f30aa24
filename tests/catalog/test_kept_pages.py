"""The product list keeps its pages until the next commit: never a stale or foreign page."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import update

from carpet_shop.catalog.models import Product
from carpet_shop.core.database import Database
from tests.factories import TwoBranches, assert_ok

QUERY = {"category": "Gilamlar", "page_size": 50}


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def _listed(shop, who, **params):
    return {p["name"]: p for p in assert_ok(shop.get(who, "/api/products", **(QUERY | params)))}


def test_a_change_committed_by_another_worker_shows_at_once(shop, settings):
    shop.product(name="Lara", quantity=5, sell_price=300)
    assert _listed(shop, "plain_a")["Lara"]["stock"] == 5
    assert _listed(shop, "plain_a")["Lara"]["stock"] == 5
    # Another worker process: its own engine and connections on the same database.
    other = Database.from_settings(settings)
    try:
        with other.transaction() as session:
            session.execute(
                update(Product)
                .where(Product.name == "Lara")
                .values(quantity=2, sell_price=Decimal("275.50"))
            )
    finally:
        other.dispose()
    lara = _listed(shop, "plain_a")["Lara"]
    assert (lara["stock"], lara["sell_price"]) == (2, 275.5)


def test_a_sale_shows_in_the_next_page_read(shop):
    lara = shop.product(name="Lara", quantity=3, buy_price=200, sell_price=300)
    assert _listed(shop, "plain_a")["Lara"]["quantity"] == 3
    sale = {"product_id": str(lara.id), "quantity": 1, "amount": 300, "payment_type": "cash"}
    assert_ok(shop.post("plain_a", "/api/sales", sale), 201)
    assert _listed(shop, "plain_a")["Lara"]["quantity"] == 2


def test_the_director_and_sellers_of_other_branches_never_get_each_others_page(shop):
    shop.product(name="Lara", buy_price=100)
    shop.product(branch=shop.branch_b, name="Sergeli")
    admin = _listed(shop, "admin")
    assert set(admin) == {"Lara", "Sergeli"}
    assert admin["Lara"]["buy_price"] == 100
    seller_a = _listed(shop, "plain_a")
    assert set(seller_a) == {"Lara"}
    assert "buy_price" not in seller_a["Lara"]
    assert set(_listed(shop, "editor_b")) == {"Sergeli"}
    # The same filters for one branch, asked by the director, are yet another page.
    assert set(_listed(shop, "admin", branch_id=str(shop.branch_b.id))) == {"Sergeli"}


def test_a_kept_page_is_sent_with_the_time_it_is_sent(shop):
    shop.product(name="Lara")
    first = shop.get("plain_a", "/api/products", **QUERY).json()
    second = shop.get("plain_a", "/api/products", **QUERY).json()
    assert first["data"] == second["data"]
    sent = [datetime.fromisoformat(body["timestamp"]) for body in (first, second)]
    assert sent[1] > sent[0]


# The drill-down keeps its rows the same way (catalog.repository.facet_rows).


def _heights(shop, who, **params):
    body = assert_ok(shop.get(who, "/api/catalog/facets", width=2, **params))
    return {item["value"]: (item["count"], item["in_stock"]) for item in body["items"]}


def test_a_sale_of_the_last_piece_shows_in_the_next_drill_down(shop):
    lara = shop.product(name="Lara", quantity=1, buy_price=200, sell_price=300)
    assert _heights(shop, "plain_a") == {"3": (1, 1)}
    assert _heights(shop, "plain_a") == {"3": (1, 1)}
    sale = {"product_id": str(lara.id), "quantity": 1, "amount": 300, "payment_type": "cash"}
    assert_ok(shop.post("plain_a", "/api/sales", sale), 201)
    assert _heights(shop, "plain_a") == {"3": (1, 0)}


def test_sellers_of_other_branches_never_get_each_others_drill_down(shop):
    shop.product(name="Lara", quantity=2)
    assert _heights(shop, "plain_a") == {"3": (1, 1)}
    assert _heights(shop, "editor_b") == {}
    shop.product(branch=shop.branch_b, name="Sergeli", quantity=0)
    assert _heights(shop, "editor_b") == {"3": (1, 0)}
    assert _heights(shop, "admin") == {"3": (2, 1)}
    assert _heights(shop, "admin", branch_id=str(shop.branch_b.id)) == {"3": (1, 0)}
