"""Every cause of a notification makes exactly the notifications described, for the right
people, in the cause's own transaction (a refused one makes none)."""

from __future__ import annotations

from datetime import timedelta

from carpet_shop.catalog.models import ProductType
from carpet_shop.debts import jobs as debt_jobs
from tests.factories import SHOP_TZ, assert_error, assert_ok, auth_headers
from tests.notifications.helpers import notes, of_type, sell


def test_a_sale_that_crosses_the_threshold_tells_the_branch_and_the_director_once(
    client, factory, shop
):
    product = factory.product(shop.branch_a, stock=5, name="Qashqar 2x3")  # default level: 2
    assert_ok(sell(client, shop.as_a, product, 2, 300_000), 201)  # 5 -> 3: above the level
    assert of_type(client, shop.as_admin, "LOW_STOCK") == []
    assert_ok(sell(client, shop.as_a, product, 1, 150_000), 201)  # 3 -> 2: crosses
    assert_ok(sell(client, shop.as_a, product, 1, 150_000), 201)  # 2 -> 1: already below

    for headers in (shop.as_a, shop.as_admin):
        [note] = of_type(client, headers, "LOW_STOCK")
        assert note["branch_id"] == str(shop.branch_a.id)
        assert note["related_entity_type"] == "product"
        assert note["related_entity_id"] == str(product.id)
        assert note["data"]["stock"] == 2 and note["data"]["threshold"] == 2
        assert note["title"] == "Kam qoldi"
        assert note["message"] == "Qashqar 2x3: 2 dona qoldi"
        assert note["is_read"] is False
    # Another branch's seller hears nothing of it.
    assert notes(client, shop.as_b) == []


def test_out_of_stock_and_rearming_only_after_stock_rises_above_the_level(client, factory, shop):
    product = factory.product(shop.branch_a, stock=3)
    assert_ok(sell(client, shop.as_a, product, 3, 450_000), 201)  # 3 -> 0
    [out] = of_type(client, shop.as_admin, "OUT_OF_STOCK")
    assert out["data"]["stock"] == 0
    # Reaching zero says OUT_OF_STOCK, not both.
    assert of_type(client, shop.as_admin, "LOW_STOCK") == []

    # A count brings it to 2 (still at the level): nothing re-armed.
    headers = shop.as_admin
    adjust = f"/api/products/{product.id}/adjust"
    assert_ok(client.post(adjust, headers=headers, json={"quantity": 2, "reason": "found"}))
    assert_ok(sell(client, shop.as_a, product, 1, 150_000), 201)  # 2 -> 1
    assert of_type(client, shop.as_admin, "LOW_STOCK") == []
    # Above the level again (5), then down through it: a second LOW_STOCK.
    assert_ok(client.post(adjust, headers=headers, json={"quantity": 5, "reason": "delivery"}))
    assert_ok(sell(client, shop.as_a, product, 3, 450_000), 201)  # 5 -> 2
    assert len(of_type(client, shop.as_admin, "LOW_STOCK")) == 1


def test_a_refused_sale_makes_no_notification(client, factory, shop):
    product = factory.product(shop.branch_a, stock=3)
    other = factory.product(shop.branch_a, stock=1)
    response = client.post(
        "/api/sales",
        headers=shop.as_a,
        json={
            "items": [
                {"product_id": str(product.id), "quantity": 3, "amount": 450_000},
                {"product_id": str(other.id), "quantity": 2, "amount": 300_000},
            ],
            "payment_type": "cash",
        },
    )
    assert_error(response, 409, "INSUFFICIENT_STOCK")
    assert notes(client, shop.as_admin) == []
    assert notes(client, shop.as_a) == []


def test_a_metre_roll_crosses_its_own_threshold(client, factory, shop):
    roll = factory.product(
        shop.branch_a,
        type=ProductType.METER,
        stock=30,
        low_stock_threshold=12,
        name="Rulon",
        buy_price=20_000,
        sell_price=50_000,
    )
    assert_ok(sell(client, shop.as_a, roll, "17.50", 875_000), 201)  # 30 -> 12.5
    assert of_type(client, shop.as_admin, "LOW_STOCK") == []
    assert_ok(sell(client, shop.as_a, roll, "0.75", 37_500), 201)  # 12.5 -> 11.75
    [note] = of_type(client, shop.as_admin, "LOW_STOCK")
    assert note["message"] == "Rulon: 11,75 m qoldi"
    assert note["data"]["stock"] == 11.75 and note["data"]["unit"] == "m"


def test_a_transfer_crossing_the_level_and_its_steps(client, factory, shop):
    product = factory.product(shop.branch_a, stock=4, name="Kashmir")
    body = {"to_branch_id": str(shop.branch_b.id), "quantity": 2}
    transfer = assert_ok(
        client.post(f"/api/products/{product.id}/transfer", headers=shop.as_admin, json=body),
        201,
    )
    # The stock left branch A through its level: A and the director hear of it.
    assert len(of_type(client, shop.as_a, "LOW_STOCK")) == 1
    # Sent: the target branch is told; the director who sent it is not told of his own act.
    [sent] = of_type(client, shop.as_b, "PRODUCT_TRANSFERRED")
    assert sent["data"]["step"] == "sent"
    assert sent["message"] == "Kashmir, 2 dona: Chilonzor → Sergeli yuborildi"
    assert of_type(client, shop.as_a, "PRODUCT_TRANSFERRED") == []
    assert of_type(client, shop.as_admin, "PRODUCT_TRANSFERRED") == []

    # Received by branch B's seller: the source branch and the director are told.
    assert_ok(client.post(f"/api/transfers/{transfer['id']}/receive", headers=shop.as_b))
    [received] = of_type(client, shop.as_a, "PRODUCT_TRANSFERRED")
    assert received["data"]["step"] == "received"
    [to_director] = of_type(client, shop.as_admin, "PRODUCT_TRANSFERRED")
    assert to_director["data"]["step"] == "received"
    assert len(of_type(client, shop.as_b, "PRODUCT_TRANSFERRED")) == 1


def test_a_cancelled_transfer_tells_the_source_branch(client, factory, shop):
    product = factory.product(shop.branch_a, stock=10)
    transfer = factory.transfer(product, shop.branch_b, 1)
    response = client.post(f"/api/transfers/{transfer.id}/cancel", headers=shop.as_admin)
    assert_ok(response)
    [cancelled] = of_type(client, shop.as_a, "PRODUCT_TRANSFERRED")
    assert cancelled["data"]["step"] == "cancelled"


def test_a_large_sale_tells_the_directors_only_at_the_threshold(client, factory, shop):
    assert_ok(
        client.put(
            "/api/notifications/shop-settings",
            headers=shop.as_admin,
            json={"large_sale_threshold": 1_000_000},
        )
    )
    product = factory.product(shop.branch_a, stock=100, sell_price=500_000)
    assert_ok(sell(client, shop.as_a, product, 1, 999_999.99), 201)
    assert of_type(client, shop.as_admin, "SALE_COMPLETED") == []
    sale = assert_ok(sell(client, shop.as_a, product, 2, 1_650_000), 201)
    [note] = of_type(client, shop.as_admin, "SALE_COMPLETED")
    assert note["related_entity_id"] == sale["id"]
    assert "1 650 000 so'm" in note["message"]
    assert note["data"]["amount"] == 1_650_000
    # Sellers never get it.
    assert of_type(client, shop.as_a, "SALE_COMPLETED") == []
    # Turned off: no more.
    assert_ok(
        client.put(
            "/api/notifications/shop-settings",
            headers=shop.as_admin,
            json={"large_sale_threshold": None},
        )
    )
    assert_ok(sell(client, shop.as_a, product, 4, 3_000_000), 201)
    assert len(of_type(client, shop.as_admin, "SALE_COMPLETED")) == 1


def test_an_idempotent_retry_of_a_sale_notifies_once(client, factory, shop):
    product = factory.product(shop.branch_a, stock=3)
    headers = {**shop.as_a, "Idempotency-Key": "sale-42"}
    for _ in range(2):
        assert sell(client, headers, product, 2, 300_000).status_code == 201
    assert len(of_type(client, shop.as_admin, "LOW_STOCK")) == 1


def test_returns_requested_and_decided(client, factory, shop):
    product = factory.product(shop.branch_a, stock=10)
    sale = assert_ok(sell(client, shop.as_a, product, 2, 300_000), 201)
    body = {
        "sale_id": sale["id"],
        "items": [{"sale_item_id": sale["items"][0]["id"], "quantity": 1}],
        "reason": "DEFECTIVE",
    }
    made = assert_ok(client.post("/api/returns", headers=shop.as_a, json=body), 201)
    [requested] = of_type(client, shop.as_admin, "RETURN_REQUESTED")
    assert requested["related_entity_id"] == made["id"]
    assert requested["data"]["refund_amount"] == 150_000
    assert of_type(client, shop.as_a, "RETURN_REQUESTED") == []

    assert_ok(client.put(f"/api/returns/{made['id']}/approve", headers=shop.as_admin, json={}))
    [decided] = of_type(client, shop.as_a, "RETURN_DECIDED")
    assert decided["data"]["decision"] == "approved"
    assert decided["message"].endswith("tasdiqlandi")
    assert of_type(client, shop.as_admin, "RETURN_DECIDED") == []
    assert of_type(client, shop.as_b, "RETURN_DECIDED") == []


def test_a_sellers_count_tells_the_directors_and_the_directors_own_does_not(client, factory, shop):
    editor = factory.seller(shop.branch_a, can_add_products=True)
    as_editor = auth_headers(client, editor)
    product = factory.product(shop.branch_a, stock=10, name="Eron")
    adjust = f"/api/products/{product.id}/adjust"
    assert_ok(client.post(adjust, headers=as_editor, json={"quantity": 8, "reason": "count"}))
    [note] = of_type(client, shop.as_admin, "STOCK_ADJUSTED")
    assert note["data"]["before"] == 10 and note["data"]["after"] == 8
    assert note["message"] == f"Eron: 10 dona → 8 dona ({editor.full_name or editor.username})"
    assert of_type(client, as_editor, "STOCK_ADJUSTED") == []
    assert_ok(client.post(adjust, headers=shop.as_admin, json={"quantity": 9, "reason": "count"}))
    assert len(of_type(client, shop.as_admin, "STOCK_ADJUSTED")) == 1


def test_overdue_and_due_soon_debts_notify_once_per_deadline(client, factory, shop, db, clock):
    customer = factory.customer(name="Aziz", phone="+998901234567")
    debt = factory.debt(
        customer=customer,
        branch=shop.branch_a,
        total=1_650_000,
        deadline=5,
    )

    def run_job() -> None:
        with db.transaction() as session:
            debt_jobs.refresh_statuses(session, clock, tz=SHOP_TZ)

    run_job()  # five days before: not yet due soon (default 3 days)
    assert of_type(client, shop.as_a, "DEBT_DUE_SOON") == []
    clock.advance(timedelta(days=2))
    run_job()
    run_job()
    # Signed in again: two days later the morning's tokens have expired.
    as_a, as_b, as_admin = (
        auth_headers(client, u) for u in (shop.seller_a, shop.seller_b, shop.admin)
    )
    for headers in (as_a, as_admin):
        [soon] = of_type(client, headers, "DEBT_DUE_SOON")
        assert soon["related_entity_id"] == str(debt.id)
        assert "1 650 000 so'm" in soon["message"]
    assert of_type(client, as_b, "DEBT_DUE_SOON") == []

    clock.advance(timedelta(days=4))  # past the deadline
    run_job()
    run_job()
    as_a, as_admin = auth_headers(client, shop.seller_a), auth_headers(client, shop.admin)
    [overdue] = of_type(client, as_a, "OVERDUE_DEBT")
    assert overdue["data"]["remaining_amount"] == 1_650_000
    assert overdue["message"].startswith("Aziz (+998901234567): 1 650 000 so'm")
    assert len(of_type(client, as_admin, "OVERDUE_DEBT")) == 1
    assert len(of_type(client, as_admin, "DEBT_DUE_SOON")) == 1


def test_due_soon_days_are_the_directors_choice(client, factory, shop, db, clock):
    assert_ok(
        client.put(
            "/api/notifications/shop-settings",
            headers=shop.as_admin,
            json={"debt_due_soon_days": 7},
        )
    )
    factory.debt(branch=shop.branch_a, total=100_000, deadline=6)
    with db.transaction() as session:
        debt_jobs.refresh_statuses(session, clock, tz=SHOP_TZ)
    assert len(of_type(client, shop.as_admin, "DEBT_DUE_SOON")) == 1


def test_a_bulk_transfer_crossing_the_level_tells_the_source_branch(client, factory, shop):
    crossing = factory.product(shop.branch_a, stock=4, name="Kashmir")
    plenty = factory.product(shop.branch_a, stock=20, name="Lara")
    body = {
        "to_branch_id": str(shop.branch_b.id),
        "items": [
            {"product_id": str(crossing.id), "quantity": 2},
            {"product_id": str(plenty.id), "quantity": 2},
        ],
    }
    assert_ok(client.post("/api/products/bulk-transfer", headers=shop.as_admin, json=body), 201)
    [low] = of_type(client, shop.as_a, "LOW_STOCK")
    assert low["related_entity_id"] == str(crossing.id)
    assert low["data"]["stock"] == 2
