"""Returns: requested by the branch, decided by the director; approval moves stock and money."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from carpet_shop.audit.models import AuditLog
from carpet_shop.catalog.models import ProductType
from carpet_shop.inventory.models import MovementKind, StockMovement
from tests.factories import assert_error
from tests.shop import Shop


@pytest.fixture
def sold(shop: Shop):
    """A receipt of 3 carpets (paid 450,000) and 4.5 m of roll (paid 400,000) by the seller."""
    carpet = shop.factory.product(shop.branch, stock=5, buy_price=100_000, sell_price=150_000)
    roll = shop.factory.product(
        shop.branch, type=ProductType.METER, stock="20", buy_price=50_000, sell_price=80_000
    )
    view = shop.factory.sale(shop.seller, (carpet, 3, 450_000), (roll, "4.5", 400_000))
    items = {i.item.product_id: i.item for i in view.items}
    return view.sale, carpet, roll, items[carpet.id], items[roll.id]


def _ask(shop: Shop, sale, lines, headers=None, **extra):
    body = {
        "sale_id": str(sale.id),
        "items": [{"sale_item_id": str(i.id), "quantity": q} for i, q in lines],
        "reason": "DEFECTIVE",
        **extra,
    }
    return shop.client.post(
        "/api/returns", json=body, headers=shop.seller_h if headers is None else headers
    )


def _approve(shop: Shop, return_id, headers=None):
    return shop.client.put(f"/api/returns/{return_id}/approve", headers=headers or shop.admin_h)


def test_request_approve_puts_stock_back_and_nets_the_sale(shop: Shop, sold):
    sale, carpet, roll, carpet_item, roll_item = sold
    asked = _ask(shop, sale, [(carpet_item, 1), (roll_item, 1.5)], reason_note="Chetida dog' bor")
    assert asked.status_code == 201, asked.text
    ret = asked.json()["data"]
    assert ret["status"] == "PENDING"
    assert ret["receipt_number"] == sale.receipt_number
    # Default refund: what was paid for these units (150,000 + 1.5/4.5 of 400,000).
    assert ret["refund_amount"] == 283_333.33
    assert [i["refund_amount"] for i in ret["items"]] == [150_000, 133_333.33]
    assert ret["product_id"] is None
    # Nothing moves while it is pending.
    assert shop.stock(carpet) == 2
    approved = _approve(shop, ret["id"])
    assert approved.status_code == 200, approved.text
    assert approved.json()["data"]["status"] == "APPROVED"
    assert approved.json()["data"]["approved_by_id"] == str(shop.admin.id)
    assert shop.stock(carpet) == 3
    assert shop.stock(roll) == Decimal("17.00")
    assert shop.ledger_total(carpet) == 3
    assert shop.ledger_total(roll) == Decimal("17.00")
    moves = shop.count(
        StockMovement,
        StockMovement.kind == MovementKind.RETURN,
        StockMovement.document_id == uuid.UUID(ret["id"]),
    )
    assert moves == 2
    card = shop.client.get(f"/api/sales/{sale.id}", headers=shop.seller_h).json()["data"]
    assert card["refunded_amount"] == 283_333.33
    assert card["net_amount"] == 566_666.67
    by_product = {i["product_id"]: i for i in card["items"]}
    assert by_product[str(carpet.id)]["returned_quantity"] == 1
    assert by_product[str(roll.id)]["returned_quantity"] == 1.5
    assert by_product[str(roll.id)]["refunded_amount"] == 133_333.33
    actions = shop.scalars(select(AuditLog.action).where(AuditLog.entity_type == "return"))
    assert sorted(actions) == ["CREATE", "UPDATE"]


def test_a_smaller_refund_is_split_over_the_lines(shop: Shop, sold):
    sale, _, _, carpet_item, roll_item = sold
    ret = _ask(shop, sale, [(carpet_item, 1), (roll_item, 1.5)], refund_amount=100_000)
    assert ret.status_code == 201
    shares = [i["refund_amount"] for i in ret.json()["data"]["items"]]
    assert sum(Decimal(str(s)) for s in shares) == 100_000
    assert shares == [52_941.18, 47_058.82]


def test_the_whole_line_comes_back_to_the_tiyin(shop: Shop):
    roll = shop.factory.product(
        shop.branch, type=ProductType.METER, stock=10, buy_price=1, sell_price="33.33"
    )
    sale = shop.factory.sale(shop.seller, (roll, 3, 100)).sale
    [item] = sale_items(shop, sale)
    refunds = []
    for _ in range(3):
        ret = _ask(shop, sale, [(item, 1)])
        refunds.append(Decimal(str(ret.json()["data"]["refund_amount"])))
        assert _approve(shop, ret.json()["data"]["id"]).status_code == 200
    assert refunds == [Decimal("33.33"), Decimal("33.34"), Decimal("33.33")]
    assert sum(refunds) == 100
    assert_error(_ask(shop, sale, [(item, 0.01)]), 422, "VALIDATION_ERROR")


def sale_items(shop: Shop, sale):
    from carpet_shop.sales.models import SaleItem

    return shop.scalars(select(SaleItem).where(SaleItem.sale_id == sale.id))


def test_over_returns_are_refused_counting_pending_requests(shop: Shop, sold):
    sale, carpet, _, carpet_item, _ = sold
    error = assert_error(_ask(shop, sale, [(carpet_item, 4)]), 422, "VALIDATION_ERROR")
    assert error["error"]["details"]["fields"][0]["field"] == "items.0.quantity"
    first = _ask(shop, sale, [(carpet_item, 2)]).json()["data"]
    # 2 pending + 2 more would be 4 of 3 sold.
    assert_error(_ask(shop, sale, [(carpet_item, 2)]), 422, "VALIDATION_ERROR")
    second = _ask(shop, sale, [(carpet_item, 1)])
    assert second.status_code == 201
    # Rejecting a request frees its pieces again.
    rejected = shop.client.put(
        f"/api/returns/{first['id']}/reject", json={"note": "Not ours"}, headers=shop.admin_h
    )
    assert rejected.status_code == 200
    assert rejected.json()["data"]["status"] == "REJECTED"
    assert rejected.json()["data"]["decision_note"] == "Not ours"
    assert shop.stock(carpet) == 2
    assert _ask(shop, sale, [(carpet_item, 2)]).status_code == 201


def test_over_refunds_are_refused(shop: Shop, sold):
    sale, _, _, carpet_item, roll_item = sold
    error = assert_error(
        _ask(shop, sale, [(carpet_item, 1)], refund_amount=150_000.01), 422, "VALIDATION_ERROR"
    )
    assert error["error"]["details"]["fields"][0]["field"] == "refund_amount"
    assert_error(
        _ask(shop, sale, [(roll_item, 4.5)], refund_amount=400_000.01), 422, "VALIDATION_ERROR"
    )
    assert _ask(shop, sale, [(roll_item, 4.5)], refund_amount=400_000).status_code == 201
    assert_error(_ask(shop, sale, [(carpet_item, 1)], refund_amount=-1), 422, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ("foreign", "items.0.sale_item_id"),
        ("twice", "items.1.sale_item_id"),
        ("half_piece", "items.0.quantity"),
        ("zero", "items.0.quantity"),
    ],
)
def test_bad_lines_are_422(shop: Shop, sold, lines, field):
    sale, _, _, carpet_item, _ = sold
    other = shop.factory.product(shop.branch)
    foreign = shop.factory.sale(shop.seller, (other, 1, 150_000)).items[0].item
    body_lines = {
        "foreign": [(foreign, 1)],
        "twice": [(carpet_item, 1), (carpet_item, 1)],
        "half_piece": [(carpet_item, 0.5)],
        "zero": [(carpet_item, 0)],
    }[lines]
    error = assert_error(_ask(shop, sale, body_lines), 422, "VALIDATION_ERROR")
    assert field in {f["field"] for f in error["error"]["details"]["fields"]}


def test_bad_bodies(shop: Shop, sold):
    sale, _, _, carpet_item, _ = sold
    assert_error(_ask(shop, sale, []), 422, "VALIDATION_ERROR")
    assert_error(_ask(shop, sale, [(carpet_item, 1)], reason="BORED"), 422, "VALIDATION_ERROR")
    missing = shop.client.post(
        "/api/returns",
        json={
            "sale_id": "00000000-0000-4000-8000-000000000000",
            "items": [{"sale_item_id": str(carpet_item.id), "quantity": 1}],
            "reason": "OTHER",
        },
        headers=shop.admin_h,
    )
    assert_error(missing, 404, "NOT_FOUND")


def test_who_may_ask_and_decide(shop: Shop, sold):
    sale, _, _, carpet_item, _ = sold
    assert_error(_ask(shop, sale, [(carpet_item, 1)], headers=shop.other_h), 403, "FORBIDDEN")
    assert_error(_ask(shop, sale, [(carpet_item, 1)], headers={}), 401, "UNAUTHORIZED")
    by_admin = _ask(shop, sale, [(carpet_item, 1)], headers=shop.admin_h)
    assert by_admin.status_code == 201
    ret_id = by_admin.json()["data"]["id"]
    for verb in ("approve", "reject"):
        assert_error(
            shop.client.put(f"/api/returns/{ret_id}/{verb}", headers=shop.seller_h),
            403,
            "FORBIDDEN",
        )
    missing = "00000000-0000-4000-8000-000000000000"
    assert_error(_approve(shop, missing), 404, "NOT_FOUND")
    assert_error(
        shop.client.put(f"/api/returns/{missing}/reject", headers=shop.admin_h), 404, "NOT_FOUND"
    )


def test_a_decision_is_final(shop: Shop, sold):
    sale, carpet, _, carpet_item, _ = sold
    ret_id = _ask(shop, sale, [(carpet_item, 1)]).json()["data"]["id"]
    assert _approve(shop, ret_id).status_code == 200
    before = shop.counts()
    error = assert_error(_approve(shop, ret_id), 409, "CONFLICT")
    assert "approved" in error["error"]["message"]
    assert_error(
        shop.client.put(f"/api/returns/{ret_id}/reject", headers=shop.admin_h), 409, "CONFLICT"
    )
    assert shop.counts() == before
    assert shop.stock(carpet) == 3
    other = _ask(shop, sale, [(carpet_item, 1)]).json()["data"]["id"]
    shop.client.put(f"/api/returns/{other}/reject", headers=shop.admin_h)
    assert_error(_approve(shop, other), 409, "CONFLICT")
    assert shop.stock(carpet) == 3


def test_lists_are_scoped_and_filtered(shop: Shop, sold):
    sale, _, _, carpet_item, _ = sold
    there = shop.factory.product(shop.other_branch)
    their_sale = shop.factory.sale(shop.other_seller, (there, 1, 150_000))
    theirs = _ask(
        shop, their_sale.sale, [(their_sale.items[0].item, 1)], headers=shop.other_h
    ).json()["data"]
    mine = _ask(shop, sale, [(carpet_item, 1)]).json()["data"]
    _approve(shop, mine["id"])

    def ids(headers, **params):
        response = shop.client.get("/api/returns", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["data"]]

    assert ids(shop.seller_h) == [mine["id"]]
    assert set(ids(shop.admin_h)) == {mine["id"], theirs["id"]}
    assert ids(shop.admin_h, status="PENDING") == [theirs["id"]]
    assert ids(shop.admin_h, sale_id=str(sale.id)) == [mine["id"]]
    assert ids(shop.admin_h, branch_id=str(shop.other_branch.id)) == [theirs["id"]]
    assert ids(shop.admin_h, period="today") != []
    assert_error(
        shop.client.get(
            "/api/returns", params={"branch_id": str(shop.other_branch.id)}, headers=shop.seller_h
        ),
        403,
        "FORBIDDEN",
    )
    assert_error(
        shop.client.get(f"/api/returns/{theirs['id']}", headers=shop.seller_h), 403, "FORBIDDEN"
    )
    one = shop.client.get(f"/api/returns/{mine['id']}", headers=shop.seller_h).json()["data"]
    assert one["status"] == "APPROVED"
    assert one["product_id"] == str(carpet_item.product_id)
    assert one["quantity"] == 1
