"""Slow work outside the writers' turn: checking a password (Argon2) and decoding a photo
happen before a request opens its write session, so sales go on meanwhile."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any

import pytest

from carpet_shop.catalog import photos
from tests.catalog.test_photos import jpeg_with_exif
from tests.factories import PASSWORD, TwoBranches, assert_ok

SLOW_STEP_SECONDS = 20


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def _sale_while_blocked(
    monkeypatch: pytest.MonkeyPatch,
    owner: object,
    name: str,
    shop: TwoBranches,
    slow_request: Callable[[], Any],
) -> Any:
    """Hold `owner.name` (the slow step) while `slow_request` runs it; meanwhile ring up a
    sale, which must be answered before the slow step is let go."""
    product = shop.product(stock=5)
    reached, let_go = threading.Event(), threading.Event()
    original = getattr(owner, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        reached.set()
        let_go.wait(SLOW_STEP_SECONDS)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, slow)
    answers: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: answers.setdefault("slow", slow_request()))
    thread.start()
    try:
        assert reached.wait(SLOW_STEP_SECONDS)
        sale = shop.client.post(
            "/api/sales",
            json={
                "product_id": str(product.id),
                "quantity": 1,
                "amount": 150000,
                "payment_type": "cash",
            },
            headers=shop.headers["plain_a"],
        )
        still_slow = thread.is_alive()
    finally:
        let_go.set()
        thread.join(SLOW_STEP_SECONDS)
    assert_ok(sale, 201)
    assert still_slow, "the sale waited for the slow step"
    return answers["slow"]


def test_a_sale_is_answered_while_a_password_is_being_checked(shop, monkeypatch):
    hasher = shop.client.app.state.auth_policy.hasher
    user = shop.users["editor_a"]
    signed_in = _sale_while_blocked(
        monkeypatch,
        hasher,
        "verify",
        shop,
        lambda: shop.client.post(
            "/api/auth/login", json={"username": user.username, "password": PASSWORD}
        ),
    )
    assert assert_ok(signed_in)["user"]["username"] == user.username


def test_a_sale_is_answered_while_a_product_photo_is_being_decoded(shop, monkeypatch):
    photo = base64.b64encode(jpeg_with_exif()).decode()
    created = _sale_while_blocked(
        monkeypatch,
        photos,
        "decode",
        shop,
        lambda: shop.client.post(
            "/api/products", json=shop.product_json(photo=photo), headers=shop.headers["admin"]
        ),
    )
    assert assert_ok(created, 201)["photo"].startswith("/uploads/products/")
