from __future__ import annotations

from sqlalchemy import func, select

from carpet_shop.catalog.models import Category, Collection, Product, Size
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.demo import seed_demo
from carpet_shop.inventory.models import StockMovement


def _counts(db):
    with db.transaction() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table))
            for table in (Collection, Size, Product, StockMovement)
        )


def _login(client, username, password):
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


def test_the_demo_catalog_is_idempotent_and_drills_down_for_both_kinds(
    client, db, clock, app, settings
):
    policy = app.state.auth_policy
    with db.transaction() as session:
        seed_demo(session, clock, policy, settings.tz, LowStockDefaults.from_settings(settings))
    first = _counts(db)
    with db.transaction() as session:
        seed_demo(session, clock, policy, settings.tz, LowStockDefaults.from_settings(settings))
    assert _counts(db) == first
    collections, sizes, products, _ = first
    assert collections == 8 and sizes >= 10 and products >= 20

    admin = _login(client, "admin", "admin123")
    categories = client.get("/api/catalog/facets", headers=admin).json()["data"]["items"]
    assert [c["value"] for c in categories] == [c.value for c in Category]
    listed = client.get("/api/products", params={"page_size": 200}, headers=admin).json()
    assert {p["type"] for p in listed["data"]} == {"unit", "meter"}
    # The ledger explains every demo stock figure.
    with db.transaction() as session:
        for product in session.scalars(select(Product)):
            total = session.scalar(
                select(func.coalesce(func.sum(StockMovement.delta), 0)).where(
                    StockMovement.product_id == product.id
                )
            )
            assert total == product.stock

    seller = _login(client, "seller1", "seller123")
    for category in ("Gilamlar", "Metrajlar"):
        path = {"category": category}
        collections = client.get("/api/catalog/facets", params=path, headers=seller).json()
        assert len(collections["data"]["items"]) >= 2, category
        path["collection"] = collections["data"]["items"][0]["value"]
        widths = client.get("/api/catalog/facets", params=path, headers=seller).json()
        assert widths["data"]["level"] == "width" and widths["data"]["items"]
        path["width"] = widths["data"]["items"][0]["value"]
        heights = client.get("/api/catalog/facets", params=path, headers=seller).json()
        assert heights["data"]["level"] == "height" and heights["data"]["items"]
        path["height"] = heights["data"]["items"][0]["value"]
        found = client.get("/api/products", params=path, headers=seller).json()
        assert found["meta"]["total"] == heights["data"]["items"][0]["count"]
