"""Each product filter is declared once (catalog.filters.PRODUCT_FILTERS) and the rest
follows: a query parameter parsed but not applied, a filter missing from the read cache's
key or from the drill-down, fails here."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from decimal import Decimal

import pytest

from carpet_shop.catalog import repository, service
from carpet_shop.catalog.filters import (
    PRODUCT_FILTERS,
    FacetQuery,
    ProductFilters,
    ProductListQuery,
    facet_filters,
)
from carpet_shop.catalog.models import Category, ProductType
from carpet_shop.catalog.views import LowStockDefaults, ProductViews
from carpet_shop.core.repository import BranchScope

# What the list reads besides its filters: who is asked about, the order and the page.
TODAY = date(2026, 3, 10)
NOT_FILTERS = {"branch_id", "include_deleted", "sort", "page", "page_size"}
DECLARED = {declared.name for declared in PRODUCT_FILTERS}
# A value for each filter, as a client sends it.
SENT = {
    "category": next(iter(Category)).value,
    "collection_id": str(uuid.uuid4()),
    "collection": "Sultan",
    "type": ProductType.UNIT.value,
    "in_stock": "true",
    "q": "gilam",
    "size": "2x3",
    "width": "2",
    "height": "3",
}


def _parameters(client, path: str) -> set[str]:
    operation = client.get("/openapi.json").json()["paths"][path]["get"]
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def test_every_parameter_of_the_list_is_a_declared_filter_or_says_what_else_it_is(client):
    assert set(ProductListQuery.model_fields) == DECLARED | NOT_FILTERS
    assert _parameters(client, "/api/products") == DECLARED | NOT_FILTERS
    assert {f.name for f in dataclasses.fields(ProductFilters)} == DECLARED | {"include_deleted"}
    assert set(SENT) == DECLARED


@pytest.mark.parametrize("declared", PRODUCT_FILTERS, ids=lambda d: d.name)
def test_each_filter_sent_is_applied_to_the_query(declared):
    query = ProductListQuery.model_validate({declared.name: SENT[declared.name]})
    filters = query.filters()
    shape, params = repository._bound(BranchScope(allowed_branch_id=None), filters)
    # Bound by its own name (or shaping the SQL), and present in the statement's WHERE.
    assert [name for name, _ in shape.given] == [declared.name]
    conditions = repository._conditions(shape)
    sql = " ".join(str(c) for c in conditions)
    if declared.shapes:
        assert declared.name not in params
    else:
        assert f":{declared.name}" in sql
        assert params[declared.name] is not None
    unfiltered = repository._conditions(repository._bound(BranchScope(None), ProductFilters())[0])
    assert len(conditions) == len(unfiltered) + 1


def test_the_read_caches_key_is_the_validated_query_and_the_callers_view(monkeypatch):
    # Nothing assembled by hand: a filter added to the query is in the key with it.
    keys: list[object] = []

    def kept(session: object, name: str, capacity: int, key: object, make: object) -> object:
        keys.append(key)
        return b"[]", "tag", 0

    class Rates:
        # The dollar rate in force today (issue 21): part of the views, so of the key.
        def __init__(self, session: object) -> None:
            pass

        def kept_rate_on(self, day: date) -> Decimal:
            return Decimal("12650.50") if day == TODAY else Decimal(1)

    monkeypatch.setattr(repository, "kept", kept)
    monkeypatch.setattr(service, "CurrencyRateRepository", Rates)
    scope = BranchScope(allowed_branch_id=uuid.uuid4())
    views = ProductViews(admin=False, defaults=LowStockDefaults(Decimal(2), Decimal(10)))
    sent = {**SENT, "sort": "-price", "page": "2", "page_size": "10"}
    query = ProductListQuery.model_validate(sent)
    service.list_products(None, scope, views, query, TODAY)  # type: ignore[arg-type]
    priced = dataclasses.replace(views, usd_rate=Decimal("12650.50"))
    assert keys == [(priced, scope.allowed_branch_id, query)]
    for name in sent:
        other = ProductListQuery.model_validate({k: v for k, v in sent.items() if k != name})
        assert other != query, name


def test_the_drill_downs_kept_rows_are_keyed_by_the_validated_filters_and_the_scope(monkeypatch):
    keys: list[object] = []

    def kept(session: object, name: str, capacity: int, key: object, make: object) -> object:
        keys.append(key)
        return ()

    monkeypatch.setattr(repository, "kept", kept)
    scope = BranchScope(allowed_branch_id=uuid.uuid4())
    sent = {name: SENT[name] for name in FacetQuery.model_fields}
    filters = facet_filters(FacetQuery.model_validate(sent))
    service.facets(None, scope, filters)  # type: ignore[arg-type]
    assert keys == [("height", scope, filters)]
    for name in sent:
        fewer = facet_filters(
            FacetQuery.model_validate({k: v for k, v in sent.items() if k != name})
        )
        assert fewer != filters, name


def test_the_drill_down_takes_exactly_the_filters_with_a_facet_counterpart(client):
    faceted = {d.name for d in PRODUCT_FILTERS if d.facet is not None}
    assert faceted == {"category", "collection", "collection_id", "type", "width"}
    assert set(FacetQuery.model_fields) == faceted
    # And the branch asked about (admins), which is the caller's scope, not a filter.
    assert _parameters(client, "/api/catalog/facets") == faceted | {"branch_id"}
    # Same validation as the list's.
    for name in faceted:
        assert (
            FacetQuery.model_fields[name].metadata == ProductListQuery.model_fields[name].metadata
        )


def test_a_width_is_checked_like_the_lists(client, factory):
    director = {"Authorization": f"Bearer {_token(client, factory)}"}
    for bad in ("0", "101", "1.234", "wide"):
        response = client.get("/api/catalog/facets", params={"width": bad}, headers=director)
        assert response.status_code == 422, bad
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    fine = client.get("/api/catalog/facets", params={"width": "2.5"}, headers=director)
    assert fine.status_code == 200
    assert fine.json()["data"]["level"] == "height"


def _token(client, factory) -> str:
    from tests.factories import login

    return str(login(client, factory.admin().username)["access_token"])


def test_values_are_bound_as_the_declaration_says():
    filters = ProductListQuery.model_validate({"collection": " SulTan ", "q": " Gilam "}).filters()
    _, params = repository._bound(BranchScope(None), filters)
    assert params["collection"] == "sultan"
    assert params["q"].strip("%") == "gilam"
    assert ProductListQuery.model_validate({"width": "2"}).filters().width == Decimal(2)
