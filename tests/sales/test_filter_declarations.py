"""Each sales filter is declared once (sales.filters.SALE_FILTERS): the sales list and the
analytics read it from the query, apply it to the receipts, and no longer answer from the
rollups (which know branches and days only) when it is given."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from carpet_shop.analytics.repository import RollupSource
from carpet_shop.core.repository import ALL_BRANCHES
from carpet_shop.sales.filters import SALE_FILTERS, SaleFilters
from carpet_shop.sales.models import PaymentType

DECLARED = {declared.name for declared in SALE_FILTERS}
# What the routes read besides the filters: the window, the branch (the caller's scope),
# paging, and the analytics' own options.
NOT_FILTERS = {"period", "date_from", "date_to", "branch_id", "page", "page_size", "top"}
VALUES = {
    "seller_id": uuid.uuid4(),
    "customer_phone": "+998901234567",
    "payment_type": PaymentType.CARD,
    "product_id": uuid.uuid4(),
}


def _parameters(client, path: str) -> set[str]:
    operation = client.get("/openapi.json").json()["paths"][path]["get"]
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def test_every_filter_is_read_by_the_routes_and_every_parameter_is_accounted_for(client):
    assert {f.name for f in dataclasses.fields(SaleFilters)} == DECLARED | {"scope", "window"}
    assert set(VALUES) == DECLARED
    for path in ("/api/sales", "/api/sales/analytics", "/api/sales/profit"):
        parameters = _parameters(client, path)
        assert parameters >= DECLARED, path
        assert parameters - DECLARED <= NOT_FILTERS | {"group_by"}, path


@pytest.mark.parametrize("declared", SALE_FILTERS, ids=lambda d: d.name)
def test_each_filter_given_narrows_the_receipts_and_bypasses_the_rollups(declared):
    plain = SaleFilters(scope=ALL_BRANCHES)
    given = SaleFilters(scope=ALL_BRANCHES, **{declared.name: VALUES[declared.name]})
    assert RollupSource.usable(plain)
    assert not RollupSource.usable(given)
    assert len(given.conditions()) == len(plain.conditions()) + 1
    assert [f.name for f, _ in given.given()] == [declared.name]
