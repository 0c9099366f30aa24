"""POST /api/sales: both body forms, stock, receipt numbers, payments, permissions, errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from carpet_shop.audit.models import AuditLog
from carpet_shop.branches.models import Branch
from carpet_shop.branches.repository import BranchRepository
from carpet_shop.catalog.models import ProductType
from carpet_shop.inventory.models import MovementKind, StockMovement
from tests.factories import assert_error
from tests.shop import Shop


def test_one_product_body_sells_and_takes_stock(shop: Shop):
    product = shop.factory.product(shop.branch, stock=10, buy_price=100_000, sell_price=150_000)
    response = shop.sell(shop.seller_h, product, quantity=2, amount=320_000)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["success"] is True
    assert body["message"] == "Sale created"
    sale = body["data"]
    assert sale["receipt_number"] == f"{shop.branch.code}-000001"
    assert sale["branch_id"] == str(shop.branch.id)
    assert sale["seller_id"] == str(shop.seller.id)
    assert sale["seller_name"] == "Dilshod"
    assert sale["amount"] == 320_000
    assert sale["profit"] == 20_000  # 320,000 − 2 × 150,000
    assert sale["net_amount"] == 320_000
    # The specification's sales-table fields on a one-item sale.
    assert sale["product_id"] == str(product.id)
    assert sale["quantity"] == 2
    assert sale["payment_type"] == "cash"
    assert sale["payments"] == [{"payment_type": "cash", "amount": 320_000}]
    [item] = sale["items"]
    assert item["product_name"] == product.name
    assert item["size"] == "2×3"
    assert item["standard_price"] == 150_000
    assert item["extra_profit"] == 20_000
    assert shop.stock(product) == 8
    assert shop.ledger_total(product) == 8
    movement_kinds = shop.count(
        StockMovement,
        StockMovement.product_id == product.id,
        StockMovement.kind == MovementKind.SALE,
    )
    assert movement_kinds == 1
    assert shop.count(AuditLog, AuditLog.entity_type == "sale") == 1


def test_a_sale_stamps_the_product_and_its_movement_with_the_shops_clock(shop: Shop):
    product = shop.factory.product(shop.branch, stock=3)
    shop.factory.clock.advance(timedelta(hours=3, seconds=7))
    sold_at = shop.factory.clock.now()
    assert shop.sell(shop.seller_h, product).status_code == 201
    read = shop.client.get(f"/api/products/{product.id}", headers=shop.seller_h)
    assert datetime.fromisoformat(read.json()["data"]["updated_at"]) == sold_at
    with shop.factory.db.transaction(write=False) as session:
        [movement] = session.scalars(
            select(StockMovement).where(
                StockMovement.product_id == product.id, StockMovement.kind == MovementKind.SALE
            )
        ).all()
        assert movement.created_at == sold_at


def test_receipt_with_several_items_and_payments(shop: Shop):
    carpet = shop.factory.product(shop.branch, stock=5, buy_price=1_000_000, sell_price=1_500_000)
    roll = shop.factory.product(
        shop.branch, type=ProductType.METER, stock="30", buy_price=80_000, sell_price=120_000
    )
    response = shop.client.post(
        "/api/sales",
        json={
            "items": [
                {"product_id": str(carpet.id), "quantity": 1, "amount": 1_500_000},
                {"product_id": str(roll.id), "quantity": 2.35, "amount": 282_000},
            ],
            "payments": [
                {"payment_type": "cash", "amount": 1_000_000},
                {"payment_type": "card", "amount": 782_000},
            ],
            "customer_name": "Aziza",
            "customer_phone": "+998901234567",
            "note": "Yetkazib berish ertaga",
        },
        headers=shop.admin_h,
    )
    assert response.status_code == 201, response.text
    sale = response.json()["data"]
    assert sale["amount"] == 1_782_000
    assert sale["item_count"] == 2
    assert sale["product_id"] is None and sale["quantity"] is None
    assert sale["payment_type"] == "mixed"
    assert [p["payment_type"] for p in sale["payments"]] == ["cash", "card"]
    assert sale["customer_name"] == "Aziza"
    roll_item = sale["items"][1]
    assert roll_item["product_type"] == "meter"
    assert roll_item["quantity"] == 2.35
    assert roll_item["standard_price"] == 120_000
    # 2.35 m × 120,000 = 282,000 exactly; cost 2.35 × 80,000 = 188,000.
    assert roll_item["extra_profit"] == 0
    assert roll_item["director_profit"] == 94_000
    assert roll_item["cost"] == 188_000
    assert sale["cost"] == 1_188_000
    assert sale["director_profit"] == 594_000
    assert shop.stock(roll) == Decimal("27.65")
    assert shop.stock(carpet) == 4


def test_receipt_with_one_payment_type_for_everything(shop: Shop):
    a = shop.factory.product(shop.branch)
    b = shop.factory.product(shop.branch)
    response = shop.client.post(
        "/api/sales",
        json={
            "items": [
                {"product_id": str(a.id), "quantity": 1, "amount": 150_000},
                {"product_id": str(b.id), "quantity": 1, "amount": 160_000},
            ],
            "payment_type": "transfer",
        },
        headers=shop.seller_h,
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["payments"] == [{"payment_type": "transfer", "amount": 310_000}]


def test_receipt_numbers_count_up_per_branch(shop: Shop):
    here = shop.factory.product(shop.branch, stock=10)
    there = shop.factory.product(shop.other_branch, stock=10)
    numbers = [shop.sell(shop.seller_h, here).json()["data"]["receipt_number"] for _ in range(3)]
    other = shop.sell(shop.other_h, there).json()["data"]["receipt_number"]
    code = shop.branch.code
    assert numbers == [f"{code}-000001", f"{code}-000002", f"{code}-000003"]
    assert other == f"{shop.other_branch.code}-000001"


def test_a_reused_branch_code_never_repeats_a_receipt_number(shop: Shop, client):
    old = shop.factory.branch("Old branch", code="OLD")
    old_seller = shop.factory.seller(old)
    product = shop.factory.product(old, stock=5)
    shop.factory.sale(old_seller, (product, 1, 150_000))
    shop.factory.sale(old_seller, (product, 1, 150_000))
    # A branch with sales history keeps its products, so the API will not delete it...
    client.delete(f"/api/users/{old_seller.id}", headers=shop.admin_h)
    assert_error(client.delete(f"/api/branches/{old.id}", headers=shop.admin_h), 409, "CONFLICT")
    # ...but should it be removed behind the API (a script, an old backup), a new branch
    # taking its code still never repeats a receipt number.
    with shop.factory.db.transaction() as session:
        row = session.get(Branch, old.id)
        assert row is not None
        BranchRepository(session).soft_delete(
            row, by=shop.factory.admin().id, at=shop.factory.clock.now()
        )
    new = shop.factory.branch("New branch", code="OLD")
    product = shop.factory.product(new, stock=5)
    response = shop.sell(shop.admin_h, product)
    assert response.status_code == 201, response.text
    assert response.json()["data"]["receipt_number"] == "OLD-000003"
    assert shop.sell(shop.admin_h, product).json()["data"]["receipt_number"] == "OLD-000004"


def test_insufficient_stock_leaves_nothing_behind(shop: Shop):
    product = shop.factory.product(shop.branch, stock=1)
    before = shop.counts()
    response = shop.sell(shop.seller_h, product, quantity=2, amount=300_000)
    body = assert_error(response, 409, "INSUFFICIENT_STOCK")
    [short] = body["error"]["details"]["products"]
    assert short["product_id"] == str(product.id)
    assert short["available"] == "1"
    assert shop.counts() == before
    assert shop.stock(product) == 1
    # No receipt number was used up: the next sale gets the first one.
    ok = shop.sell(shop.seller_h, product)
    assert ok.json()["data"]["receipt_number"] == f"{shop.branch.code}-000001"


def test_multi_item_receipt_is_all_or_nothing_and_names_every_short_product(shop: Shop):
    plenty = shop.factory.product(shop.branch, stock=10)
    short_a = shop.factory.product(shop.branch, stock=1, name="Lara 2×3")
    short_b = shop.factory.product(
        shop.branch, type=ProductType.METER, stock="1.5", name="Metraj Emili"
    )
    before = shop.counts()
    response = shop.client.post(
        "/api/sales",
        json={
            "items": [
                {"product_id": str(plenty.id), "quantity": 1, "amount": 150_000},
                {"product_id": str(short_a.id), "quantity": 2, "amount": 300_000},
                {"product_id": str(short_b.id), "quantity": 2.5, "amount": 375_000},
            ],
            "payment_type": "cash",
        },
        headers=shop.seller_h,
    )
    body = assert_error(response, 409, "INSUFFICIENT_STOCK")
    shortages = {s["product_id"]: s for s in body["error"]["details"]["products"]}
    assert set(shortages) == {str(short_a.id), str(short_b.id)}
    assert shortages[str(short_b.id)]["available"] == "1.50"
    assert shortages[str(short_b.id)]["unit"] == "m"
    assert "Lara 2×3" in body["error"]["message"]
    assert shop.counts() == before
    assert shop.stock(plenty) == 10
    assert shop.ledger_total(plenty) == 10


def test_meter_sales_cut_to_the_centimetre(shop: Shop):
    roll = shop.factory.product(
        shop.branch, type=ProductType.METER, stock="10", buy_price=60, sell_price=100
    )
    assert shop.sell(shop.seller_h, roll, quantity=0.25, amount=25).status_code == 201
    assert shop.stock(roll) == Decimal("9.75")
    response = shop.sell(shop.seller_h, roll, quantity=0.255, amount=26)
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["error"]["details"]["fields"][0]["field"] == "quantity"


def test_unit_products_sell_whole_pieces(shop: Shop):
    product = shop.factory.product(shop.branch)
    body = assert_error(shop.sell(shop.seller_h, product, quantity=1.5), 422, "VALIDATION_ERROR")
    assert body["error"]["details"]["fields"][0]["field"] == "quantity"
    receipt = shop.client.post(
        "/api/sales",
        json={
            "items": [{"product_id": str(product.id), "quantity": 0.5, "amount": 1}],
            "payment_type": "cash",
        },
        headers=shop.admin_h,
    )
    body = assert_error(receipt, 422, "VALIDATION_ERROR")
    assert body["error"]["details"]["fields"][0]["field"] == "items.0.quantity"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 1.234}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": 1e30}, "amount"),
        ({"payment_type": "bitcoin"}, "payment_type"),
        ({"product_id": "not-a-uuid"}, "product_id"),
        ({"customer_phone": "call me"}, "customer_phone"),
        ({"customer_name": "x" * 121}, "customer_name"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_fields_are_422_naming_the_field(shop: Shop, change, field):
    product = shop.factory.product(shop.branch)
    body = {
        "product_id": str(product.id),
        "quantity": 1,
        "amount": 150_000,
        "payment_type": "cash",
        **change,
    }
    response = shop.client.post("/api/sales", json=body, headers=shop.seller_h)
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert field in [f["field"] for f in error["error"]["details"]["fields"]]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"product_id", "quantity", "amount", "payment_type"}),
        ({"quantity": 1, "amount": 5, "payment_type": "cash"}, {"product_id"}),
        ({"items": [], "payment_type": "cash"}, {"items"}),
        ({"items": "x", "payment_type": "cash"}, {"items"}),
        ({"payments": [{"payment_type": "cash", "amount": 1}]}, {"items"}),
    ],
)
def test_incomplete_or_mixed_bodies_are_422(shop: Shop, body, fields):
    response = shop.client.post("/api/sales", json=body, headers=shop.seller_h)
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert fields <= {f["field"] for f in error["error"]["details"]["fields"]}


def test_both_body_forms_at_once_are_refused(shop: Shop):
    product = shop.factory.product(shop.branch)
    item = {"product_id": str(product.id), "quantity": 1, "amount": 150_000}
    response = shop.client.post(
        "/api/sales",
        json={"items": [item], **item, "payment_type": "cash"},
        headers=shop.seller_h,
    )
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert {"product_id", "quantity", "amount"} <= {
        f["field"] for f in error["error"]["details"]["fields"]
    }
    both = shop.client.post(
        "/api/sales",
        json={
            "items": [item],
            "payment_type": "cash",
            "payments": [{"payment_type": "cash", "amount": 150_000}],
        },
        headers=shop.seller_h,
    )
    assert_error(both, 422, "VALIDATION_ERROR")
    none = shop.client.post("/api/sales", json={"items": [item]}, headers=shop.seller_h)
    assert_error(none, 422, "VALIDATION_ERROR")


def test_invalid_json_is_400(shop: Shop):
    response = shop.client.post(
        "/api/sales",
        content=b"{not json",
        headers={**shop.seller_h, "Content-Type": "application/json"},
    )
    assert_error(response, 400, "BAD_REQUEST")


def test_payments_must_add_up_to_the_items(shop: Shop):
    product = shop.factory.product(shop.branch)
    before = shop.counts()
    response = shop.client.post(
        "/api/sales",
        json={
            "items": [{"product_id": str(product.id), "quantity": 1, "amount": 150_000}],
            "payments": [
                {"payment_type": "cash", "amount": 100_000},
                {"payment_type": "card", "amount": 49_999.99},
            ],
        },
        headers=shop.seller_h,
    )
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert error["error"]["details"]["fields"][0]["field"] == "payments"
    assert shop.counts() == before


def test_unknown_or_deleted_product_is_404(shop: Shop):
    response = shop.client.post(
        "/api/sales",
        json={
            "product_id": "00000000-0000-4000-8000-000000000000",
            "quantity": 1,
            "amount": 5,
            "payment_type": "cash",
        },
        headers=shop.seller_h,
    )
    assert_error(response, 404, "NOT_FOUND")


def test_items_from_two_branches_are_refused(shop: Shop):
    here = shop.factory.product(shop.branch)
    there = shop.factory.product(shop.other_branch)
    response = shop.client.post(
        "/api/sales",
        json={
            "items": [
                {"product_id": str(here.id), "quantity": 1, "amount": 150_000},
                {"product_id": str(there.id), "quantity": 1, "amount": 150_000},
            ],
            "payment_type": "cash",
        },
        headers=shop.admin_h,
    )
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert error["error"]["details"]["fields"][0]["field"] == "items"


def test_seller_sells_from_own_branch_only_admin_from_any(shop: Shop):
    there = shop.factory.product(shop.other_branch)
    before = shop.counts()
    assert_error(shop.sell(shop.seller_h, there), 403, "FORBIDDEN")
    assert shop.counts() == before
    assert shop.sell(shop.other_h, there).status_code == 201
    assert shop.sell(shop.admin_h, there).status_code == 201


def test_selling_needs_a_token(shop: Shop):
    product = shop.factory.product(shop.branch)
    assert_error(shop.sell({}, product), 401, "UNAUTHORIZED")
    assert_error(shop.sell({"Authorization": "Bearer nonsense"}, product), 401, "UNAUTHORIZED")


def test_only_the_director_back_fills_the_date(shop: Shop, clock):
    product = shop.factory.product(shop.branch)
    when = "2026-03-01T12:00:00+05:00"
    assert_error(shop.sell(shop.seller_h, product, date=when), 403, "FORBIDDEN")
    response = shop.sell(shop.admin_h, product, date=when)
    assert response.status_code == 201, response.text
    sale = response.json()["data"]
    assert sale["date"].startswith("2026-03-01T07:00:00")
    assert sale["created_at"] != sale["date"]
    future = "2026-03-11T12:00:00+05:00"
    error = assert_error(shop.sell(shop.admin_h, product, date=future), 422, "VALIDATION_ERROR")
    assert error["error"]["details"]["fields"][0]["field"] == "date"
    naive = shop.sell(shop.admin_h, product, date="2026-03-01T12:00:00")
    assert_error(naive, 422, "VALIDATION_ERROR")


def test_price_below_cost_for_sellers_not_admins(shop: Shop):
    product = shop.factory.product(shop.branch, buy_price=100_000, sell_price=150_000)
    before = shop.counts()
    refused = shop.sell(shop.seller_h, product, amount=99_999.99)
    error = assert_error(refused, 422, "PRICE_BELOW_COST")
    assert "100000" not in refused.text and "100 000" not in refused.text
    assert error["error"]["details"]["fields"][0]["field"] == "amount"
    assert shop.counts() == before
    # Down to the buy price is allowed: a discount from the seller.
    at_cost = shop.sell(shop.seller_h, product, amount=100_000)
    assert at_cost.status_code == 201
    assert at_cost.json()["data"]["profit"] == -50_000
    admin = shop.sell(shop.admin_h, product, amount=1)
    assert admin.status_code == 201
    sale = admin.json()["data"]
    assert sale["director_profit"] == -99_999  # (150,000 − 100,000) + (1 − 150,000)


def test_sale_of_a_deleted_branch_product_is_refused(shop: Shop):
    product = shop.factory.product(shop.branch)
    with shop.db.transaction() as session:
        from carpet_shop.catalog.models import Product

        found = session.get(Product, product.id)
        assert found is not None
        found.deleted_at = shop.factory.clock.now()
    assert_error(shop.sell(shop.admin_h, product), 404, "NOT_FOUND")


def test_sale_from_a_deleted_branch_is_refused_and_takes_nothing(shop: Shop):
    # The service refuses to delete a branch with live products; a row deleted anyway (by
    # a race, or by hand) still sells nothing.
    product = shop.factory.product(shop.branch, stock=5)
    with shop.db.transaction() as session:
        branch = session.get(Branch, shop.branch.id)
        assert branch is not None
        branch.deleted_at = shop.factory.clock.now()
    response = shop.sell(shop.admin_h, product)
    assert_error(response, 404, "NOT_FOUND")
    assert response.json()["error"]["details"]["entity"] == "Branch"
    assert shop.stock(product) == 5
    assert shop.count(StockMovement, StockMovement.kind == MovementKind.SALE) == 0
