"""Inventory alert rules (/api/inventory/alerts): a product's own levels, or alerts off."""

from __future__ import annotations

from decimal import Decimal

from tests.factories import assert_error, assert_ok, auth_headers
from tests.notifications.helpers import of_type, sell

URL = "/api/inventory/alerts"


def test_a_rule_sets_the_level_and_records_when_it_fired(client, factory, shop):
    product = factory.product(shop.branch_a, stock=10)
    rule = assert_ok(
        client.post(
            URL,
            headers=shop.as_admin,
            json={"product_id": str(product.id), "alert_type": "LOW_STOCK", "threshold": 7},
        ),
        201,
    )
    assert rule["threshold"] == 7 and rule["is_active"] is True
    assert rule["last_triggered"] is None and rule["size"] is None
    assert_ok(sell(client, shop.as_a, product, 3, 450_000), 201)  # 10 -> 7
    [note] = of_type(client, shop.as_admin, "LOW_STOCK")
    assert note["data"]["threshold"] == 7
    fired = assert_ok(client.get(f"{URL}/{rule['id']}", headers=shop.as_admin))
    assert fired["last_triggered"] is not None


def test_an_inactive_rule_silences_the_alert(client, factory, shop):
    product = factory.product(shop.branch_a, stock=3)
    for kind in ("LOW_STOCK", "OUT_OF_STOCK"):
        body = {"product_id": str(product.id), "alert_type": kind, "is_active": False}
        assert_ok(client.post(URL, headers=shop.as_admin, json=body), 201)
    assert_ok(sell(client, shop.as_a, product, 3, 450_000), 201)
    assert of_type(client, shop.as_admin, "LOW_STOCK") == []
    assert of_type(client, shop.as_admin, "OUT_OF_STOCK") == []


def test_update_delete_and_duplicates(client, factory, shop):
    product = factory.product(shop.branch_a, stock=10)
    body = {"product_id": str(product.id), "alert_type": "LOW_STOCK", "threshold": 4}
    rule = assert_ok(client.post(URL, headers=shop.as_admin, json=body), 201)
    assert_error(client.post(URL, headers=shop.as_admin, json=body), 409, "CONFLICT")
    changed = assert_ok(
        client.put(f"{URL}/{rule['id']}", headers=shop.as_admin, json={"threshold": 8})
    )
    assert changed["threshold"] == 8
    half = {"threshold": 2.5}
    assert_error(
        client.put(f"{URL}/{rule['id']}", headers=shop.as_admin, json=half),
        422,
        "VALIDATION_ERROR",
    )
    listed = client.get(URL, headers=shop.as_admin).json()
    assert [r["id"] for r in listed["data"]] == [rule["id"]]
    assert_ok(client.delete(f"{URL}/{rule['id']}", headers=shop.as_admin))
    assert_error(client.get(f"{URL}/{rule['id']}", headers=shop.as_admin), 404, "NOT_FOUND")


def test_product_editors_of_the_branch_only(client, factory, shop):
    product_a = factory.product(shop.branch_a, stock=10)
    product_b = factory.product(shop.branch_b, stock=10)
    editor = factory.seller(shop.branch_a, can_add_products=True)
    as_editor = auth_headers(client, editor)
    own = {"product_id": str(product_a.id), "alert_type": "LOW_STOCK", "threshold": 3}
    other = {"product_id": str(product_b.id), "alert_type": "LOW_STOCK", "threshold": 3}
    # A seller who may not edit products may not set rules either.
    assert_error(client.post(URL, headers=shop.as_a, json=own), 403, "FORBIDDEN")
    assert_error(client.get(URL, headers=shop.as_a), 403, "FORBIDDEN")
    assert_ok(client.post(URL, headers=as_editor, json=own), 201)
    assert_error(client.post(URL, headers=as_editor, json=other), 403, "FORBIDDEN")
    theirs = assert_ok(client.post(URL, headers=shop.as_admin, json=other), 201)
    mine = client.get(URL, headers=as_editor).json()["data"]
    assert [r["product_id"] for r in mine] == [str(product_a.id)]
    assert_error(client.get(f"{URL}/{theirs['id']}", headers=as_editor), 403, "FORBIDDEN")
    assert len(client.get(URL, headers=shop.as_admin).json()["data"]) == 2


def test_rule_changes_are_in_the_audit_trail(client, factory, shop):
    product = factory.product(shop.branch_a, stock=10)
    body = {"product_id": str(product.id), "alert_type": "LOW_STOCK", "threshold": 4}
    rule = assert_ok(client.post(URL, headers=shop.as_admin, json=body), 201)
    assert_ok(client.put(f"{URL}/{rule['id']}", headers=shop.as_admin, json={"threshold": 6}))
    assert_ok(client.delete(f"{URL}/{rule['id']}", headers=shop.as_admin))
    trail = assert_ok(
        client.get(
            "/api/audit-logs",
            headers=shop.as_admin,
            params={"entity_type": "inventory_alert", "entity_id": rule["id"]},
        )
    )
    by_action = {entry["action"]: entry["changes"] for entry in trail}
    assert set(by_action) == {"CREATE", "UPDATE", "DELETE"}
    [(field, change)] = by_action["UPDATE"].items()
    assert field == "threshold"
    assert (Decimal(change["old"]), Decimal(change["new"])) == (4, 6)
    assert Decimal(by_action["DELETE"]["threshold"]["old"]) == 6
