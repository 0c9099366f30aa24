"""Helpers of the goods-receipt tests: bodies, and what the director sees of a product."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from tests.factories import assert_ok


def receipt_body(shop: Any, supplier: Any, *lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "supplier_id": str(supplier.id),
        "branch_id": str(shop.branch_a.id),
        "lines": list(lines),
        **fields,
    }


def item(product: Any, quantity: Any, price: Any = None, **fields: Any) -> dict[str, Any]:
    body = {"product_id": str(product.id), "quantity": quantity, **fields}
    if price is not None:
        body["buy_price"] = price
    return body


def receive(shop: Any, body: dict[str, Any], who: str = "admin") -> dict[str, Any]:
    return assert_ok(shop.post(who, "/api/goods-receipts", body), 201)  # type: ignore[no-any-return]


def product(shop: Any, product_id: Any) -> dict[str, Any]:
    return assert_ok(shop.get("admin", f"/api/products/{product_id}"))  # type: ignore[no-any-return]


def size_of(data: dict[str, Any], size: str) -> dict[str, Any]:
    [found] = [s for s in data["sizes"] if s["size"] == size]
    return found


def ledger_per_size(shop: Any, product_id: Any) -> dict[str | None, Decimal]:
    moves = shop.get("admin", f"/api/products/{product_id}/movements", page_size=200).json()
    sums: dict[str | None, Decimal] = defaultdict(Decimal)
    for m in moves["data"]:
        sums[m["size"]] += Decimal(str(m["delta"]))
    return dict(sums)


def stock_per_size(data: dict[str, Any]) -> dict[str | None, Decimal]:
    meter = data["type"] == "meter"
    return {
        s["size"]: Decimal(str(s["remaining_length"] if meter else s["quantity"]))
        for s in data["sizes"]
    }
