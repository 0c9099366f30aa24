"""The drill-down counts equal a brute-force count over generated catalogs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.models import Category, ProductType
from carpet_shop.catalog.schemas import ProductCreate
from carpet_shop.catalog.text import parse_size
from tests.factories import TwoBranches, assert_error

SIZE_POOL = ["2×3", "2×4", "3×4", "1.5×2.25", "1.5×2"]
COLLECTIONS = ["Lara", "Emili", "Sultan"]


@dataclass(frozen=True)
class Spec:
    category: Category
    collection: str
    type: ProductType
    sizes: tuple[str, ...]
    stock: int


specs = st.builds(
    Spec,
    category=st.sampled_from([Category.GILAMLAR, Category.PALOSLAR, Category.METRAJLAR]),
    collection=st.sampled_from(COLLECTIONS),
    type=st.sampled_from(list(ProductType)),
    sizes=st.lists(st.sampled_from(SIZE_POOL), max_size=2, unique=True).map(tuple),
    stock=st.integers(min_value=0, max_value=2),
)


@pytest.fixture
def shop(client, factory):
    shop = TwoBranches.build(client, factory)
    for name in COLLECTIONS:
        factory.collection(name)
    factory.ensure_sizes(SIZE_POOL)
    return shop


def _make(shop, catalog: list[Spec]):
    branch = shop.factory.branch()
    with shop.factory.db.transaction() as session:
        for n, spec in enumerate(catalog):
            amount = (
                {"quantity": spec.stock}
                if spec.type == ProductType.UNIT
                else {"total_length": Decimal(spec.stock)}
            )
            catalog_service.create_product(
                session,
                shop.factory.actor(),
                shop.factory.clock,
                ProductCreate(
                    name=f"P{n}",
                    category=spec.category,
                    collection=spec.collection,
                    type=spec.type,
                    buy_price=Decimal(1),
                    sell_price=Decimal(2),
                    available_sizes=list(spec.sizes),
                    branch_id=branch.id,
                    **amount,
                ),
            )
    return branch


def _expected(catalog, keys):
    """{value: (products, products in stock)} counting each product once per value.

    Sizes are stock: a product created with one quantity for several sizes has it all on
    its first size, so only that size's width and height count it as in stock."""
    counts: Counter[object] = Counter()
    stocked: Counter[object] = Counter()
    for spec in catalog:
        with_stock = set(keys(replace(spec, sizes=spec.sizes[:1]))) if spec.stock > 0 else set()
        for value in set(keys(spec)):
            counts[value] += 1
            stocked[value] += value in with_stock
    return {value: (counts[value], stocked[value]) for value in counts}


def _widths(spec):
    return [parse_size(s)[1] for s in spec.sizes]


def _facets(shop, branch, level, key, **params):
    response = shop.get("admin", "/api/catalog/facets", branch_id=str(branch.id), **params)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["level"] == level
    return {key(item): (item["count"], item["in_stock"]) for item in data["items"]}


def _metres(item):
    return Decimal(str(item["metres"]))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(catalog=st.lists(specs, max_size=7))
def test_facet_counts_equal_a_brute_force_count(shop, catalog):
    branch = _make(shop, catalog)
    value = lambda item: item["value"]  # noqa: E731
    got = _facets(shop, branch, "category", value)
    assert got == _expected(catalog, lambda s: [s.category.value])
    for category in {s.category for s in catalog}:
        in_category = [s for s in catalog if s.category == category]
        got = _facets(shop, branch, "collection", value, category=category.value)
        assert got == _expected(in_category, lambda s: [s.collection])
        for collection in {s.collection for s in in_category}:
            chosen = [s for s in in_category if s.collection == collection]
            got = _facets(
                shop, branch, "width", _metres, category=category.value, collection=collection
            )
            assert got == _expected(chosen, _widths)
            for width in {w for s in chosen for w in _widths(s)}:
                got = _facets(
                    shop,
                    branch,
                    "height",
                    _metres,
                    category=category.value,
                    collection=collection,
                    width=str(width),
                )
                heights = lambda s, w=width: [  # noqa: E731
                    parse_size(x)[2] for x in s.sizes if parse_size(x)[1] == w
                ]
                assert got == _expected(chosen, heights)
    # A collection without a category: its widths across every category.
    got = _facets(shop, branch, "width", _metres, collection="Lara")
    assert got == _expected([s for s in catalog if s.collection == "Lara"], _widths)


def test_facets_are_scoped_like_every_list(shop):
    shop.product(quantity=0)
    shop.product(branch=shop.branch_b, category=Category.KOVRIY)
    own = shop.get("plain_a", "/api/catalog/facets").json()["data"]
    assert own == {
        "level": "category",
        "items": [
            {
                "value": "Gilamlar",
                "metres": None,
                "id": None,
                "icon": None,
                "count": 1,
                "in_stock": 0,
            }
        ],
    }
    assert_error(
        shop.get("plain_a", "/api/catalog/facets", branch_id=str(shop.branch_b.id)),
        403,
        "FORBIDDEN",
    )
    everywhere = shop.get("admin", "/api/catalog/facets").json()["data"]["items"]
    assert [i["value"] for i in everywhere] == ["Gilamlar", "Kovriy"]  # the specification's order


def test_collection_level_names_the_collection_with_its_icon(shop):
    izmir = shop.factory.collection("Izmir", icon="🌊")
    shop.product(collection=izmir)
    items = shop.get("plain_a", "/api/catalog/facets", category="Gilamlar").json()["data"]["items"]
    assert items == [
        {
            "value": "Izmir",
            "metres": None,
            "id": str(izmir.id),
            "icon": "🌊",
            "count": 1,
            "in_stock": 1,
        }
    ]


def test_deleted_products_are_not_counted(shop):
    product = shop.product()
    shop.delete("admin", f"/api/products/{product.id}")
    assert shop.get("plain_a", "/api/catalog/facets").json()["data"]["items"] == []
