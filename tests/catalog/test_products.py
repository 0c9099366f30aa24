from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from carpet_shop.audit.models import AuditLog
from carpet_shop.catalog.models import ProductType
from carpet_shop.inventory.models import StockMovement
from carpet_shop.sales.models import Sale, SaleItem
from tests.factories import LEFT_OUT, TwoBranches, assert_error


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def _fields(body):
    return {f["field"] for f in body["error"]["details"]["fields"]}


# Who may create


def test_admin_creates_a_unit_product_with_stock_from_the_ledger(shop, db):
    # The collection is named as in the specification's table, in any case.
    body = shop.product_json(collection=shop.collection.name.upper())
    created = shop.post("admin", "/api/products", body)
    assert created.status_code == 201, created.text
    product = created.json()["data"]
    assert product["collection"] == shop.collection.name
    assert product["collection_id"] == str(shop.collection.id)
    assert product["buy_price"] == 100000
    assert product["quantity"] == 4 and product["stock"] == 4 and product["in_stock"] is True
    assert product["available_sizes"] == ["2×3"]
    with db.transaction() as session:
        movements = session.scalars(
            select(StockMovement).where(StockMovement.product_id == uuid.UUID(product["id"]))
        ).all()
    assert [(m.kind.value, m.delta, m.balance_after) for m in movements] == [
        ("initial", Decimal("4.00"), Decimal("4.00"))
    ]


def test_a_meter_product_keeps_lengths_and_a_price_per_metre(shop):
    body = shop.product_json(
        name="Lara metraj",
        category="Metrajlar",
        type="meter",
        quantity=0,
        sell_price=None,
        sell_price_per_meter=95000.5,
        total_length=30,
        remaining_length=25.75,
        available_sizes=["3x4"],
    )
    created = shop.post("admin", "/api/products", body)
    assert created.status_code == 201, created.text
    product = created.json()["data"]
    assert product["type"] == "meter"
    assert product["total_length"] == 30
    assert product["remaining_length"] == 25.75 and product["stock"] == 25.75
    assert product["sell_price_per_meter"] == 95000.5
    assert product["standard_price"] == 95000.5
    assert product["sell_price"] == 95000.5  # one price for a roll when only one is sent
    assert product["available_sizes"] == ["3×4"]


def test_seller_with_permission_creates_in_own_branch_only(shop):
    body = shop.product_json(buy_price=LEFT_OUT)
    del body["branch_id"]
    created = shop.post("editor_a", "/api/products", body)
    assert created.status_code == 201, created.text
    assert created.json()["data"]["branch_id"] == str(shop.branch_a.id)
    assert "buy_price" not in created.json()["data"]
    elsewhere = shop.product_json(buy_price=LEFT_OUT, branch_id=str(shop.branch_b.id))
    assert_error(shop.post("editor_a", "/api/products", elsewhere), 403, "FORBIDDEN")


def test_seller_without_permission_cannot_create(shop):
    assert_error(shop.post("plain_a", "/api/products", shop.product_json()), 403, "FORBIDDEN")


def test_admin_must_say_which_branch(shop):
    body = shop.product_json()
    del body["branch_id"]
    assert _fields(
        assert_error(shop.post("admin", "/api/products", body), 422, "VALIDATION_ERROR")
    ) == {"branch_id"}
    unknown = shop.product_json(branch_id=str(uuid.uuid4()))
    assert _fields(
        assert_error(shop.post("admin", "/api/products", unknown), 422, "VALIDATION_ERROR")
    ) == {"branch_id"}


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"collection": "Nope"}, "collection"),
        ({"collection": None}, "collection"),
        ({"collection": None, "collection_id": str(uuid.uuid4())}, "collection_id"),
        ({"available_sizes": ["2y3"]}, "available_sizes.0"),
        ({"available_sizes": ["9×9"]}, "available_sizes"),  # a size the shop does not offer
        ({"buy_price": 0}, "buy_price"),
        ({"sell_price": -5}, "sell_price"),
        ({"sell_price": 1.005}, "sell_price"),
        ({"sell_price": None}, "sell_price"),
        ({"quantity": -1}, "quantity"),
        ({"quantity": 1.5}, "quantity"),
        ({"category": "Gilam"}, "category"),
        ({"type": "box"}, "type"),
        ({"name": ""}, "name"),
        ({"remaining_length": 3}, "remaining_length"),
        ({"sell_price_per_meter": 10}, "sell_price_per_meter"),
        ({"low_stock_threshold": 1.5}, "low_stock_threshold"),
        ({"stock": 5}, "stock"),  # unknown fields are refused
    ],
)
def test_bad_product_input_names_the_field(shop, override, field):
    body = assert_error(
        shop.post("admin", "/api/products", shop.product_json(**override)), 422, "VALIDATION_ERROR"
    )
    assert field in _fields(body)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"quantity": 2}, "quantity"),
        ({"total_length": 5, "remaining_length": 6}, "remaining_length"),
        ({"sell_price": None, "sell_price_per_meter": None}, "sell_price_per_meter"),
    ],
)
def test_bad_meter_input_names_the_field(shop, override, field):
    body = shop.product_json(type="meter", category="Metrajlar", quantity=0, total_length=10)
    body.update(override)
    assert field in _fields(
        assert_error(shop.post("admin", "/api/products", body), 422, "VALIDATION_ERROR")
    )


def test_sizes_of_the_collection_itself_are_accepted(shop):
    shop.post("admin", "/api/sizes", {"size": "1.5x2.25", "collection_id": str(shop.collection.id)})
    other = shop.factory.collection("Emili")
    mine = shop.post("admin", "/api/products", shop.product_json(available_sizes=["1.5*2.25"]))
    assert mine.status_code == 201
    theirs = shop.product_json(collection=other.name, available_sizes=["1.5×2.25"])
    assert_error(shop.post("admin", "/api/products", theirs), 422, "VALIDATION_ERROR")


# Reading and editing


def test_who_reads_and_edits_a_product(shop):
    product = shop.product()
    url = f"/api/products/{product.id}"
    for who in ("admin", "editor_a", "plain_a"):
        assert shop.get(who, url).status_code == 200
    assert_error(shop.get("editor_b", url), 403, "FORBIDDEN")
    assert shop.put("editor_a", url, {"name": "Yangi nom"}).status_code == 200
    assert shop.put("admin", url, {"name": "Boshqa nom"}).status_code == 200
    assert_error(shop.put("plain_a", url, {"name": "X"}), 403, "FORBIDDEN")
    assert_error(shop.put("editor_b", url, {"name": "X"}), 403, "FORBIDDEN")
    assert_error(shop.get("admin", f"/api/products/{uuid.uuid4()}"), 404, "NOT_FOUND")
    assert_error(shop.get("admin", "/api/products/not-a-uuid"), 404, "NOT_FOUND")


def test_price_changes_are_audited_with_old_and_new(shop, db):
    product = shop.product(buy_price=100, sell_price=150)
    shop.put("admin", f"/api/products/{product.id}", {"sell_price": 175.5, "buy_price": 110})
    with db.transaction() as session:
        entry = session.scalars(
            select(AuditLog)
            .where(AuditLog.entity_id == product.id, AuditLog.action == "UPDATE")
            .order_by(AuditLog.timestamp.desc())
        ).first()
    assert entry is not None
    assert entry.changes["sell_price"] == {"old": "150.00", "new": "175.50"}
    assert entry.changes["buy_price"] == {"old": "100.00", "new": "110.00"}


def test_quantity_edits_go_through_the_ledger(shop, db):
    product = shop.product(quantity=5)
    edited = shop.put(
        "editor_a", f"/api/products/{product.id}", {"quantity": 2, "stock_reason": "count"}
    )
    assert edited.json()["data"]["quantity"] == 2
    movements = shop.get("admin", f"/api/products/{product.id}/movements").json()["data"]
    assert {(m["kind"], m["delta"], m["balance_after"]) for m in movements} == {
        ("initial", 5, 5),
        ("edit", -3, 2),
    }


def test_length_edits_keep_the_roll_consistent(shop):
    product = shop.product(type=ProductType.METER, length="20")
    url = f"/api/products/{product.id}"
    cut = shop.put("admin", url, {"remaining_length": 12.5, "stock_reason": "count"})
    assert (cut.json()["data"]["remaining_length"], cut.json()["data"]["total_length"]) == (
        12.5,
        20,
    )
    longer = shop.put(
        "admin", url, {"total_length": 40, "remaining_length": 35, "stock_reason": "new roll"}
    )
    assert (longer.json()["data"]["remaining_length"], longer.json()["data"]["total_length"]) == (
        35,
        40,
    )
    body = assert_error(shop.put("admin", url, {"total_length": 30}), 422, "VALIDATION_ERROR")
    assert _fields(body) == {"total_length"}
    assert_error(shop.put("admin", url, {"quantity": 3}), 422, "VALIDATION_ERROR")
    movements = shop.get("admin", f"{url}/movements").json()["data"]
    assert sum(Decimal(str(m["delta"])) for m in movements) == Decimal("35")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "meter"}, "type"),
        ("branch", "branch_id"),
        ({"remaining_length": 4}, "remaining_length"),
        ({"name": None}, "name"),
        ({"collection": "Nope"}, "collection"),
        ({"available_sizes": ["7×7"]}, "available_sizes"),
    ],
)
def test_what_an_edit_cannot_change(shop, change, field):
    product = shop.product(stock=5)
    if change == "branch":
        change = {"branch_id": str(shop.branch_b.id)}
    body = assert_error(
        shop.put("admin", f"/api/products/{product.id}", change), 422, "VALIDATION_ERROR"
    )
    assert _fields(body) == {field}
    after = shop.get("admin", f"/api/products/{product.id}").json()["data"]
    assert after["quantity"] == 5 and after["branch_id"] == str(shop.branch_a.id)


def test_changing_collection_rechecks_sizes(shop):
    other = shop.factory.collection("Emili")
    shop.post("admin", "/api/sizes", {"size": "1x2", "collection_id": str(shop.collection.id)})
    created = shop.post("admin", "/api/products", shop.product_json(available_sizes=["1x2"]))
    url = f"/api/products/{created.json()['data']['id']}"
    assert_error(shop.put("admin", url, {"collection": other.name}), 422, "VALIDATION_ERROR")
    moved = shop.put("admin", url, {"collection": other.name, "available_sizes": ["2x3"]})
    assert moved.status_code == 200
    assert moved.json()["data"]["collection"] == other.name


# Deleting and restoring


def test_delete_is_the_admins_and_restore_brings_it_back(shop, clock):
    product = shop.product(stock=5)
    url = f"/api/products/{product.id}"
    assert_error(shop.delete("editor_a", url), 403, "FORBIDDEN")
    assert shop.delete("admin", url).status_code == 200
    assert_error(shop.get("admin", url), 404, "NOT_FOUND")
    assert_error(shop.delete("admin", url), 404, "NOT_FOUND")
    assert shop.get("admin", "/api/products").json()["meta"]["total"] == 0
    deleted = shop.get("admin", "/api/products", include_deleted=True).json()["data"]
    assert [p["id"] for p in deleted] == [str(product.id)] and deleted[0]["deleted_at"]
    assert_error(shop.get("editor_a", "/api/products", include_deleted=True), 403, "FORBIDDEN")
    assert_error(shop.post("editor_a", f"{url}/restore"), 403, "FORBIDDEN")
    clock.advance(timedelta(hours=1))
    restored = shop.post("admin", f"{url}/restore")
    assert restored.status_code == 200
    assert restored.json()["data"]["deleted_at"] is None
    assert restored.json()["data"]["quantity"] == 5
    assert_error(shop.post("admin", f"{url}/restore"), 409, "CONFLICT")


def test_a_product_with_sales_history_cannot_be_deleted(shop, db, clock):
    product = shop.product()
    with db.transaction() as session:
        sale = Sale(
            receipt_number=f"T-{uuid.uuid4().hex[:8]}",
            branch_id=shop.branch_a.id,
            seller_id=shop.users["editor_a"].id,
            date=clock.now(),
            created_at=clock.now(),
            amount=Decimal("150"),
            profit=Decimal("0"),
            director_profit=Decimal("50"),
            cost=Decimal("100"),
        )
        session.add(sale)
        session.flush()
        session.add(
            SaleItem(
                sale_id=sale.id,
                position=1,
                product_id=product.id,
                quantity=Decimal("1"),
                amount=Decimal("150"),
                list_price=Decimal("150"),
                standard_price=Decimal("150"),
                buy_price=Decimal("100"),
                extra_profit=Decimal("0"),
                director_profit=Decimal("50"),
            )
        )
    body = assert_error(shop.delete("admin", f"/api/products/{product.id}"), 409, "CONFLICT")
    assert body["error"]["details"]["reason"] == "sales_history"
    assert shop.get("admin", f"/api/products/{product.id}").status_code == 200


def test_a_product_with_a_transfer_in_transit_cannot_be_deleted(shop):
    product = shop.product()
    shop.factory.transfer(product, shop.branch_b, 1)
    body = assert_error(shop.delete("admin", f"/api/products/{product.id}"), 409, "CONFLICT")
    assert body["error"]["details"]["reason"] == "transfers_in_transit"


def test_create_update_delete_restore_are_audited(shop, db):
    created = shop.post("admin", "/api/products", shop.product_json()).json()["data"]
    url = f"/api/products/{created['id']}"
    shop.put("admin", url, {"name": "Yangi"})
    shop.delete("admin", url)
    shop.post("admin", f"{url}/restore")
    with db.transaction() as session:
        actions = session.scalars(
            select(AuditLog.action).where(
                AuditLog.entity_type == "product", AuditLog.entity_id == uuid.UUID(created["id"])
            )
        ).all()
        count = session.scalar(select(func.count()).select_from(AuditLog))
    assert sorted(a.value for a in actions) == ["CREATE", "DELETE", "UPDATE", "UPDATE"]
    assert count and count >= 4
