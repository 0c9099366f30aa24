"""What a user sees of their notifications, over HTTP."""

from __future__ import annotations

from typing import Any

from tests.factories import assert_ok


def notes(client: Any, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = assert_ok(
        client.get("/api/notifications", headers=headers, params={"page_size": 200, **params})
    )
    return data


def of_type(client: Any, headers: dict[str, str], kind: str) -> list[dict[str, Any]]:
    return notes(client, headers, type=kind)


def sell(
    client: Any, headers: dict[str, str], product: Any, quantity: Any, amount: Any, **extra: Any
) -> Any:
    return client.post(
        "/api/sales",
        headers=headers,
        json={
            "items": [{"product_id": str(product.id), "quantity": quantity, "amount": amount}],
            "payment_type": "cash",
            **extra,
        },
    )
