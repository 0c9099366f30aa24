"""The docs' walk-through: one dollar order from draft to received on credit, its payables
paid in dollars and in so'm, and the director's profit of a later sale showing the received
cost."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from carpet_shop.currency.models import Currency
from tests.factories import TwoBranches, assert_ok
from tests.goods_receipts.receiving import item, product, receipt_body, receive, size_of


def test_one_order_from_draft_to_received_and_a_later_sales_profit(client, factory):
    shop = TwoBranches.build(client, factory)
    supplier = factory.supplier("Istanbul Hali", currency=Currency.USD)
    factory.usd_rate("12500.00")
    carpet = shop.product(sizes=["2×3"], stock=2, buy_price=500_000, sell_price=900_000)

    draft = assert_ok(
        shop.post(
            "admin",
            "/api/purchase-orders",
            {
                "supplier_id": str(supplier.id),
                "branch_id": str(shop.branch_a.id),
                "lines": [{"product_id": str(carpet.id), "quantity": 6, "buy_price": 48}],
            },
        ),
        201,
    )
    url = f"/api/purchase-orders/{draft['id']}"
    assert_ok(shop.put("admin", url, {"note": "Spring collection"}))
    assert assert_ok(shop.post("admin", f"{url}/order"))["status"] == "ordered"

    due = (factory.today() + timedelta(days=45)).isoformat()
    on_order = {"purchase_order_id": draft["id"], "on_credit": True, "due_date": due}
    first = receive(shop, receipt_body(shop, supplier, item(carpet, 4), **on_order))
    # 4 × $48 = $192, at 12 500 so'm: 2 400 000 so'm.
    assert (first["total_usd"], first["total_uzs"]) == (192, 2_400_000)
    assert assert_ok(shop.get("admin", url))["status"] == "partially_received"
    # (2 × 500 000 + 4 × 600 000) / 6 = 566 666.666… → 566 666.67
    cost = Decimal(str(size_of(product(shop, carpet.id), "2×3")["buy_price"]))
    assert cost == Decimal("566666.67")

    second = receive(shop, receipt_body(shop, supplier, item(carpet, 2), **on_order))
    assert second["total_usd"] == 96
    assert assert_ok(shop.get("admin", url))["status"] == "received"
    # Every line in dollars: each receipt's debt is in dollars.
    owed = assert_ok(shop.get("admin", "/api/payables", supplier_id=str(supplier.id)))
    assert sorted((p["currency"], p["total_amount"], p["status"]) for p in owed) == [
        ("USD", 96, "open"),
        ("USD", 192, "open"),
    ]
    # Paid off: the first in dollars, the second in so'm at the day's rate (96 × 12 500).
    first_debt, second_debt = sorted(owed, key=lambda p: -p["total_amount"])
    for debt, payment in (
        (first_debt, {"amount": 192, "currency": "USD", "payment_type": "transfer"}),
        (second_debt, {"amount": 1_200_000, "currency": "UZS", "payment_type": "cash"}),
    ):
        paid = client.post(
            f"/api/payables/{debt['id']}/payments",
            json=payment,
            headers={**shop.headers["admin"], "Idempotency-Key": f"pay-{debt['id']}"},
        )
        assert paid.status_code == 201, paid.text
        after = assert_ok(shop.get("admin", f"/api/payables/{debt['id']}"))
        assert (after["remaining_amount"], after["status"]) == (0, "paid")
    balance = assert_ok(shop.get("admin", f"/api/suppliers/{supplier.id}/balance"))
    assert all(b["owed"] == 0 for b in balance["balances"])

    sale = assert_ok(
        shop.post(
            "plain_a",
            "/api/sales",
            {
                "items": [{"product_id": str(carpet.id), "quantity": 1, "amount": 900_000}],
                "payment_type": "cash",
            },
        ),
        201,
    )
    [line] = assert_ok(shop.get("admin", f"/api/sales/{sale['id']}"))["items"]
    # (6 × 566 666.67 + 2 × 600 000) / 8 = 575 000.0025 → 575 000
    assert Decimal(str(line["buy_price"])) == Decimal("575000.00")
    assert Decimal(str(line["director_profit"])) == Decimal("325000.00")
    # The seller sees neither the cost nor the director's profit.
    seen = assert_ok(shop.get("plain_a", f"/api/sales/{sale['id']}"))["items"][0]
    assert "buy_price" not in seen and "director_profit" not in seen
