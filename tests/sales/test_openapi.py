"""The sales, returns, discounts and commissions routes are documented for typed clients."""

from __future__ import annotations


def test_openapi_lists_the_routes_and_their_errors(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/sales",
        "/api/sales/{sale_id}",
        "/api/returns",
        "/api/returns/{return_id}/approve",
        "/api/returns/{return_id}/reject",
        "/api/discounts",
        "/api/discounts/{discount_id}",
        "/api/commissions",
        "/api/commissions/my",
        "/api/commissions/{commission_id}/mark-paid",
    ):
        assert path in paths, path
    create = paths["/api/sales"]["post"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
