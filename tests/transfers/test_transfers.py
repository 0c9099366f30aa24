from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from carpet_shop.audit.models import AuditLog
from carpet_shop.catalog.models import ProductType
from tests.factories import TwoBranches, assert_error


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def send(shop, product, to, quantity, who="admin", complete=False, size=None):
    body = {"to_branch_id": str(to.id), "quantity": quantity, "complete": complete}
    return shop.post(
        who,
        f"/api/products/{product.id}/transfer",
        body if size is None else body | {"size": size},
    )


def stock(shop, product_id):
    return shop.get("admin", f"/api/products/{product_id}").json()["data"]["stock"]


def test_only_the_admin_starts_a_transfer(shop):
    product = shop.product(quantity=5)
    for who in ("editor_a", "plain_a", "editor_b"):
        assert_error(send(shop, product, shop.branch_b, 1, who=who), 403, "FORBIDDEN")
    assert stock(shop, product.id) == 5


def test_stock_leaves_at_once_and_arrives_on_receipt(shop):
    product = shop.product(quantity=5)
    started = send(shop, product, shop.branch_b, 2)
    assert started.status_code == 201, started.text
    transfer = started.json()["data"]
    assert transfer["status"] == "in_transit" and transfer["target_product_id"] is None
    assert stock(shop, product.id) == 3
    url = f"/api/transfers/{transfer['id']}"
    # Only the admin or a seller of the receiving branch may receive it.
    assert_error(shop.post("editor_a", f"{url}/receive"), 403, "FORBIDDEN")
    assert_error(shop.post("plain_a", f"{url}/receive"), 403, "FORBIDDEN")
    received = shop.post("editor_b", f"{url}/receive")
    assert received.status_code == 200, received.text
    done = received.json()["data"]
    assert done["status"] == "completed"
    assert done["received_by_id"] == str(shop.users["editor_b"].id)
    target = shop.get("editor_b", f"/api/products/{done['target_product_id']}").json()["data"]
    assert target["branch_id"] == str(shop.branch_b.id)
    assert (target["name"], target["quantity"]) == (product.name, 2)
    moves = shop.get("editor_b", f"/api/products/{target['id']}/movements").json()["data"]
    assert [(m["kind"], m["delta"], m["document_id"]) for m in moves] == [
        ("transfer_in", 2, transfer["id"])
    ]
    assert_error(shop.post("admin", f"{url}/receive"), 409, "CONFLICT")
    assert_error(shop.post("admin", f"{url}/cancel"), 409, "CONFLICT")


def test_a_second_transfer_arrives_on_the_same_product(shop):
    product = shop.product(quantity=5)
    first = send(shop, product, shop.branch_b, 1, complete=True).json()["data"]
    second = send(shop, product, shop.branch_b, 2, complete=True).json()["data"]
    assert first["status"] == second["status"] == "completed"
    assert first["target_product_id"] == second["target_product_id"]
    assert stock(shop, first["target_product_id"]) == 3
    assert stock(shop, product.id) == 2


def test_different_goods_arrive_on_different_products(shop):
    product = shop.product(quantity=5, sell_price=150)
    send(shop, product, shop.branch_b, 1, complete=True)
    # Same name in B but another price: not the same goods.
    shop.put("admin", f"/api/products/{product.id}", {"sell_price": 160})
    send(shop, product, shop.branch_b, 1, complete=True)
    in_b = shop.get("editor_b", "/api/products").json()["data"]
    assert sorted((p["sell_price"], p["quantity"]) for p in in_b) == [(150, 1), (160, 1)]


def test_an_existing_matching_product_receives_the_stock(shop):
    product = shop.product(name="Lara bej", quantity=5, sizes=("2×3", "3×4"))
    there = shop.product(branch=shop.branch_b, name="Lara bej", quantity=1, sizes=("3×4", "2×3"))
    # Sizes are stock: the 5 went on the first size, 2×3, and that is what is sent.
    done = send(shop, product, shop.branch_b, 4, complete=True, size="2×3").json()["data"]
    assert done["target_product_id"] == str(there.id)
    assert stock(shop, there.id) == 5


def test_cancel_gives_the_stock_back_admin_only(shop):
    product = shop.product(type=ProductType.METER, length="20")
    transfer = send(shop, product, shop.branch_b, "7.5").json()["data"]
    assert stock(shop, product.id) == 12.5
    url = f"/api/transfers/{transfer['id']}/cancel"
    assert_error(shop.post("editor_b", url), 403, "FORBIDDEN")
    cancelled = shop.post("admin", url)
    assert cancelled.json()["data"]["status"] == "cancelled"
    assert stock(shop, product.id) == 20
    kinds = [
        m["kind"] for m in shop.get("admin", f"/api/products/{product.id}/movements").json()["data"]
    ]
    assert sorted(kinds) == ["initial", "transfer_cancelled", "transfer_out"]
    assert_error(shop.post("admin", url), 409, "CONFLICT")
    assert_error(shop.post("admin", f"/api/transfers/{transfer['id']}/receive"), 409, "CONFLICT")


def test_more_than_in_stock_is_insufficient_stock(shop):
    product = shop.product(quantity=2)
    body = assert_error(send(shop, product, shop.branch_b, 3), 409, "INSUFFICIENT_STOCK")
    (short,) = body["error"]["details"]["products"]
    assert short["product_id"] == str(product.id)
    assert (short["requested"], short["available"]) == ("3", "2")
    assert stock(shop, product.id) == 2
    assert shop.get("admin", "/api/transfers").json()["meta"]["total"] == 0


@pytest.mark.parametrize(
    ("quantity", "to", "field"),
    [
        (1.5, "b", "quantity"),  # whole pieces
        (0, "b", "quantity"),
        (-1, "b", "quantity"),
        (1, "a", "to_branch_id"),
        (1, "nowhere", "to_branch_id"),
    ],
)
def test_bad_transfers_name_the_field(shop, quantity, to, field):
    product = shop.product(quantity=5)
    body = {"quantity": quantity}
    body["to_branch_id"] = {
        "a": str(shop.branch_a.id),
        "b": str(shop.branch_b.id),
        "nowhere": "00000000-0000-0000-0000-000000000009",
    }[to]
    response = shop.post("admin", f"/api/products/{product.id}/transfer", body)
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert error["error"]["details"]["fields"][0]["field"] == field


def test_transfer_list_is_scoped_and_filtered(shop, factory):
    branch_c = factory.branch()
    a_product = shop.product(quantity=9)
    c_product = shop.product(branch=branch_c, quantity=9)
    a_to_b = send(shop, a_product, shop.branch_b, 1).json()["data"]
    c_to_a = send(shop, c_product, shop.branch_a, 1, complete=True).json()["data"]
    c_to_b = send(shop, c_product, shop.branch_b, 1).json()["data"]

    def ids(who, **params):
        response = shop.get(who, "/api/transfers", **params)
        assert response.status_code == 200, response.text
        return {t["id"] for t in response.json()["data"]}

    assert ids("admin") == {a_to_b["id"], c_to_a["id"], c_to_b["id"]}
    assert ids("plain_a") == {a_to_b["id"], c_to_a["id"]}
    assert ids("plain_a", direction="in") == {c_to_a["id"]}
    assert ids("plain_a", direction="out") == {a_to_b["id"]}
    assert ids("editor_b", status="in_transit") == {a_to_b["id"], c_to_b["id"]}
    assert ids("admin", branch_id=str(branch_c.id), status="completed") == {c_to_a["id"]}
    assert ids("admin", product_id=str(c_product.id)) == {c_to_a["id"], c_to_b["id"]}
    assert_error(
        shop.get("plain_a", "/api/transfers", branch_id=str(shop.branch_b.id)), 403, "FORBIDDEN"
    )
    assert_error(shop.get("admin", "/api/transfers", status="lost"), 422, "VALIDATION_ERROR")
    # One transfer: visible to both ends, not to a third branch.
    url = f"/api/transfers/{c_to_b['id']}"
    assert shop.get("editor_b", url).status_code == 200
    assert_error(shop.get("plain_a", url), 403, "FORBIDDEN")
    headers = shop.headers["admin"]
    assert shop.client.get(url, headers=headers).json()["data"]["from_branch_id"] == str(
        branch_c.id
    )


def test_receiving_into_a_deleted_branch_is_a_conflict(shop, factory):
    branch_c = factory.branch()
    product = shop.product(quantity=3)
    transfer = send(shop, product, branch_c, 1).json()["data"]
    assert shop.delete("admin", f"/api/branches/{branch_c.id}").status_code == 200
    assert_error(shop.post("admin", f"/api/transfers/{transfer['id']}/receive"), 409, "CONFLICT")
    assert shop.post("admin", f"/api/transfers/{transfer['id']}/cancel").status_code == 200
    assert stock(shop, product.id) == 3


def test_transfers_are_audited(shop, db):
    product = shop.product(quantity=3)
    transfer = send(shop, product, shop.branch_b, 1, complete=True).json()["data"]
    with db.transaction() as session:
        entries = session.scalars(
            select(AuditLog).where(AuditLog.entity_type == "transfer").order_by(AuditLog.action)
        ).all()
    assert [(e.action.value, str(e.entity_id)) for e in entries] == [
        ("CREATE", transfer["id"]),
        ("UPDATE", transfer["id"]),
    ]
    assert entries[0].changes["quantity"]["new"] == str(Decimal("1"))
    assert entries[1].changes["status"] == {"old": "in_transit", "new": "completed"}


def test_unknown_transfer_is_not_found(shop):
    missing = "00000000-0000-0000-0000-000000000042"
    assert_error(shop.get("admin", f"/api/transfers/{missing}"), 404, "NOT_FOUND")
    assert_error(shop.post("admin", f"/api/transfers/{missing}/receive"), 404, "NOT_FOUND")
    assert_error(shop.post("admin", f"/api/transfers/{missing}/cancel"), 404, "NOT_FOUND")
