"""Idempotency-Key: a retried sale is answered from the first attempt and sells nothing twice."""

from __future__ import annotations

from decimal import Decimal

from carpet_shop.inventory.models import StockMovement
from carpet_shop.sales.models import IdempotencyRecord, Sale
from tests.factories import assert_error
from tests.shop import Shop


def _post(shop: Shop, headers, product, key: str | None, **change):
    body = {
        "product_id": str(product.id),
        "quantity": 1,
        "amount": 150_000,
        "payment_type": "cash",
        **change,
    }
    extra = {"Idempotency-Key": key} if key is not None else {}
    return shop.client.post("/api/sales", json=body, headers={**headers, **extra})


def test_a_retry_replays_the_first_answer_and_creates_nothing(shop: Shop):
    product = shop.factory.product(shop.branch, stock=5)
    first = _post(shop, shop.seller_h, product, "phone-42-sale-1")
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    again = _post(shop, shop.seller_h, product, "phone-42-sale-1")
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content  # the same body, byte for byte
    assert shop.count(Sale) == 1
    assert shop.count(StockMovement, StockMovement.kind == "sale") == 1
    assert shop.stock(product) == 4


def test_the_same_key_with_another_body_is_a_conflict(shop: Shop):
    product = shop.factory.product(shop.branch, stock=5)
    assert _post(shop, shop.seller_h, product, "k-1").status_code == 201
    before = shop.counts()
    changed = _post(shop, shop.seller_h, product, "k-1", quantity=2, amount=300_000)
    error = assert_error(changed, 409, "CONFLICT")
    assert error["error"]["details"] == {"header": "Idempotency-Key"}
    assert shop.counts() == before
    assert shop.stock(product) == 4


def test_keys_belong_to_their_user(shop: Shop):
    product = shop.factory.product(shop.branch, stock=5)
    assert _post(shop, shop.seller_h, product, "shared").status_code == 201
    admin = _post(shop, shop.admin_h, product, "shared")
    assert admin.status_code == 201
    assert "idempotent-replayed" not in admin.headers
    assert shop.count(Sale) == 2


def test_a_failed_attempt_is_not_remembered(shop: Shop):
    product = shop.factory.product(shop.branch, stock=1)
    refused = _post(shop, shop.seller_h, product, "retry-me", quantity=2, amount=300_000)
    assert_error(refused, 409, "INSUFFICIENT_STOCK")
    assert shop.count(IdempotencyRecord) == 0
    # Stock arrives; the same retry now goes through, once.
    from carpet_shop.inventory import ledger
    from carpet_shop.inventory.models import MovementKind

    with shop.db.transaction() as session:
        ledger.put(
            session,
            shop.factory.clock,
            [ledger.StockLine(product, Decimal(1))],
            MovementKind.ADJUSTMENT,
            ledger.Document("test"),
            None,
        )
    ok = _post(shop, shop.seller_h, product, "retry-me", quantity=2, amount=300_000)
    assert ok.status_code == 201
    replay = _post(shop, shop.seller_h, product, "retry-me", quantity=2, amount=300_000)
    assert replay.content == ok.content
    assert shop.stock(product) == 0


def test_without_a_key_every_request_is_a_sale(shop: Shop):
    product = shop.factory.product(shop.branch, stock=5)
    assert _post(shop, shop.seller_h, product, None).status_code == 201
    assert _post(shop, shop.seller_h, product, None).status_code == 201
    assert shop.count(Sale) == 2


def test_an_overlong_key_is_422(shop: Shop):
    product = shop.factory.product(shop.branch, stock=5)
    error = assert_error(_post(shop, shop.seller_h, product, "k" * 256), 422, "VALIDATION_ERROR")
    assert error["error"]["details"]["fields"][0]["field"] == "Idempotency-Key"
    assert shop.count(Sale) == 0
