"""Every catalog, inventory, transfer and search route, called by sellers: no buy price, ever.

The test knows every route of these areas; a new route fails it until it is called here too.
"""

from __future__ import annotations

import io

from fastapi.routing import APIRoute
from PIL import Image

from carpet_shop.catalog.models import ProductType
from tests.factories import LEFT_OUT, TwoBranches

AREAS = (
    "/api/products",
    "/api/catalog",
    "/api/collections",
    "/api/sizes",
    "/api/inventory",
    "/api/transfers",
    "/api/search",
    "/api/upload",
)
FORBIDDEN_WORDS = ("buy_price", "cost", "director_profit")


def test_no_response_to_a_seller_contains_the_buy_price(client, factory, app):
    shop = TwoBranches.build(client, factory)
    unit = shop.product(quantity=6)
    meter = shop.product(type=ProductType.METER, length="30", sizes=("3×4",))
    incoming = factory.transfer(shop.product(branch=shop.branch_b, quantity=3), shop.branch_a, 1)
    outgoing = factory.transfer(unit, shop.branch_b, 1)
    collection, size_id = shop.collection.id, None
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(buffer, "PNG")

    responses = []
    covered: set[tuple[str, str]] = set()

    def call(who, method, template, path=None, **kwargs):
        covered.add((method, template))
        response = client.request(method, path or template, headers=shop.headers[who], **kwargs)
        assert response.status_code < 500, response.text
        responses.append((who, method, path or template, response))
        return response

    for who in ("editor_a", "plain_a"):
        call(who, "GET", "/api/products", params={"q": "gilam", "sort": "-price"})
        call(who, "GET", "/api/products/autocomplete", params={"q": "g"})
        call(who, "GET", "/api/catalog/facets")
        call(who, "GET", "/api/catalog/facets", params={"category": "Metrajlar", "width": 3})
        call(who, "GET", "/api/products/{product_id}", f"/api/products/{unit.id}")
        call(who, "GET", "/api/products/{product_id}", f"/api/products/{meter.id}")
        call(
            who,
            "GET",
            "/api/products/{product_id}/movements",
            f"/api/products/{unit.id}/movements",
        )
        call(who, "GET", "/api/inventory/low-stock")
        call(who, "GET", "/api/transfers")
        call(who, "GET", "/api/transfers/{transfer_id}", f"/api/transfers/{outgoing.id}")
        call(who, "GET", "/api/search", params={"q": "gilam"})
        call(who, "GET", "/api/collections")
        call(who, "GET", "/api/collections/{collection_id}", f"/api/collections/{collection}")
        sizes = call(who, "GET", "/api/sizes")
        size_id = sizes.json()["data"][0]["id"]
        call(who, "GET", "/api/sizes/{size_id}", f"/api/sizes/{size_id}")

    body = shop.product_json(buy_price=LEFT_OUT, branch_id=None)
    created = call("editor_a", "POST", "/api/products", json=body)
    assert created.status_code == 201
    new_id = created.json()["data"]["id"]
    assert created.json()["data"]["quantity"] == 4
    call(
        "editor_a",
        "PUT",
        "/api/products/{product_id}",
        f"/api/products/{new_id}",
        json={"quantity": 2, "stock_reason": "count"},
    )
    call(
        "editor_a",
        "POST",
        "/api/products/{product_id}/adjust",
        f"/api/products/{unit.id}/adjust",
        json={"quantity": 3, "reason": "count"},
    )
    call(
        "editor_a",
        "POST",
        "/api/upload/product-photo",
        files={"file": ("p.png", buffer.getvalue(), "image/png")},
    )
    call(
        "plain_a",
        "POST",
        "/api/transfers/{transfer_id}/receive",
        f"/api/transfers/{incoming.id}/receive",
    )
    batch_body = {
        "to_branch_id": str(shop.branch_a.id),
        "items": [{"product_id": str(shop.product(branch=shop.branch_b).id), "quantity": 1}],
    }
    batch = shop.post("admin", "/api/products/bulk-transfer", batch_body).json()["data"]
    batch_url = f"/api/products/bulk-transfer/{batch['batch_id']}"
    call("plain_a", "GET", "/api/products/bulk-transfer/{batch_id}", batch_url)
    call(
        "plain_a", "POST", "/api/products/bulk-transfer/{batch_id}/receive", f"{batch_url}/receive"
    )
    # Refusals say so without leaking either.
    for who in ("editor_a", "plain_a"):
        call(who, "DELETE", "/api/products/{product_id}", f"/api/products/{new_id}")
        call(who, "POST", "/api/products/{product_id}/restore", f"/api/products/{new_id}/restore")
        call(
            who,
            "POST",
            "/api/products/{product_id}/transfer",
            f"/api/products/{unit.id}/transfer",
            json={"to_branch_id": str(shop.branch_b.id), "quantity": 1},
        )
        call(
            who,
            "POST",
            "/api/transfers/{transfer_id}/cancel",
            f"/api/transfers/{outgoing.id}/cancel",
        )
        call(who, "POST", "/api/products/bulk-transfer", json=batch_body)
        call(
            who,
            "POST",
            "/api/products/bulk-transfer/{batch_id}/cancel",
            f"{batch_url}/cancel",
        )
        call(
            who,
            "PUT",
            "/api/products/bulk-price-update",
            json={
                "product_ids": [str(unit.id)],
                "field": "sell_price",
                "change_type": "set",
                "value": 1,
            },
        )
        call(who, "DELETE", "/api/products/bulk-delete", json={"product_ids": [str(unit.id)]})
        call(who, "POST", "/api/collections", json={"name": "X"})
        call(
            who,
            "PUT",
            "/api/collections/{collection_id}",
            f"/api/collections/{collection}",
            json={"name": "Y"},
        )
        call(who, "DELETE", "/api/collections/{collection_id}", f"/api/collections/{collection}")
        call(who, "POST", "/api/sizes", json={"size": "9x9"})
        call(who, "PUT", "/api/sizes/{size_id}", f"/api/sizes/{size_id}", json={"size": "9x8"})
        call(who, "DELETE", "/api/sizes/{size_id}", f"/api/sizes/{size_id}")

    routes = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and route.path.startswith(AREAS)
        for method in route.methods
    }
    assert routes - covered == set()
    for who, method, path, response in responses:
        text = response.text.lower()
        for word in FORBIDDEN_WORDS:
            assert word not in text, (who, method, path, response.text)
    # The director, for contrast, does see it: null, the seller's product waits for its cost.
    admin_view = client.get(f"/api/products/{new_id}", headers=shop.headers["admin"])
    assert admin_view.json()["data"]["buy_price"] is None
