"""A seller's analytics and dashboard never carry buy prices, cost or the director's profit."""

from __future__ import annotations

from typing import Any

from tests.analytics.shop import build_shop
from tests.factories import auth_headers

FORBIDDEN_KEYS = ("buy_price", "cost", "director_profit")


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_no_seller_response_carries_cost_or_the_directors_profit(client, factory):
    shop = build_shop(factory, sales=20)
    seller = shop.sellers[0]
    headers = auth_headers(client, seller)
    product = next(p for p in shop.products if p.branch_id == seller.branch_id)
    requests = [
        ("/api/dashboard/widgets", {}),
        ("/api/sales/analytics", {}),
        ("/api/sales/analytics", {"period": "today"}),
        ("/api/sales/analytics", {"period": "week"}),
        ("/api/sales/analytics", {"period": "month", "payment_type": "cash"}),
        ("/api/sales/analytics", {"product_id": str(product.id)}),
        ("/api/sales/analytics", {"seller_id": str(seller.id), "top": 50}),
        ("/api/sales/analytics", {"date_from": "2026-02-01", "date_to": "2026-03-31"}),
    ]
    for path, params in requests:
        response = client.get(path, params=params, headers=headers)
        assert response.status_code == 200, (path, params, response.text)
        keys = _keys(response.json())
        leaked = [k for k in keys if any(bad in k for bad in FORBIDDEN_KEYS)]
        assert not leaked, (path, params, leaked)
    # The director's responses do carry it: the scan would notice if the schemas swapped.
    admin = auth_headers(client, factory.admin())
    keys = _keys(client.get("/api/sales/analytics", headers=admin).json())
    assert "director_profit" in keys
    assert client.get("/api/sales/profit", headers=headers).status_code == 403


def test_openapi_documents_both_shapes(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert "director_profit" not in schemas["SalesAnalytics"]["properties"]["totals"].get(
        "properties", {}
    )
    assert "director_profit" in schemas["AdminSaleFigures"]["properties"]
    assert "director_profit" not in schemas["SaleFigures"]["properties"]
