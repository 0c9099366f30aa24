"""Goods receipts over HTTP: stock through the ledger per size, orders filled, dollars."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from carpet_shop.audit.models import AuditLog
from carpet_shop.currency.models import Currency
from carpet_shop.payables.models import Payable
from tests.factories import TwoBranches, assert_error, assert_ok
from tests.goods_receipts.receiving import (
    item,
    ledger_per_size,
    product,
    receipt_body,
    receive,
    size_of,
    stock_per_size,
)


@pytest.fixture
def shop(client, factory):
    return TwoBranches.build(client, factory)


def ordered(shop, supplier, *lines):
    order = assert_ok(
        shop.post(
            "admin",
            "/api/purchase-orders",
            {
                "supplier_id": str(supplier.id),
                "branch_id": str(shop.branch_a.id),
                "lines": list(lines),
            },
        ),
        201,
    )
    return assert_ok(shop.post("admin", f"/api/purchase-orders/{order['id']}/order"))


def test_a_receipt_adds_stock_per_size_through_the_ledger(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3", "3×4"], stock=0)
    receipt = receive(
        shop,
        receipt_body(
            shop,
            supplier,
            item(carpet, 4, 90000, size="2×3"),
            item(carpet, 2, 120000, size="3×4"),
            # A size of the collection the product had not: made with the receipt.
            item(carpet, 3, 80000, size="2x4"),
        ),
    )
    assert receipt["number"] == "GR-000001"
    assert (
        receipt["status"] == "complete"
        and receipt["total_uzs"] == 4 * 90000 + 2 * 120000 + 3 * 80000
    )
    assert receipt["total_usd"] is None and receipt["rate"] is None
    assert [(x["size"], x["quantity"], x["amount_uzs"]) for x in receipt["lines"]] == [
        ("2×3", 4, 360000),
        ("3×4", 2, 240000),
        ("2×4", 3, 240000),
    ]
    data = product(shop, carpet.id)
    assert data["available_sizes"] == ["2×3", "3×4", "2×4"]
    assert stock_per_size(data) == {"2×3": 4, "3×4": 2, "2×4": 3}
    assert data["quantity"] == 9
    assert ledger_per_size(shop, carpet.id) == stock_per_size(data)
    moves = shop.get("admin", f"/api/products/{carpet.id}/movements").json()["data"]
    assert {(m["kind"], m["document_type"], m["document_id"]) for m in moves} == {
        ("receipt", "goods_receipt", receipt["id"])
    }
    # The receipt reads back; lists filter by supplier and branch.
    assert assert_ok(shop.get("admin", f"/api/goods-receipts/{receipt['id']}")) == receipt
    listed = shop.get("admin", "/api/goods-receipts", supplier_id=str(supplier.id)).json()
    assert [r["id"] for r in listed["data"]] == [receipt["id"]]
    assert (
        shop.get("admin", "/api/goods-receipts", branch_id=str(shop.branch_b.id)).json()["meta"][
            "total"
        ]
        == 0
    )
    with factory.db.transaction() as session:
        audited = session.scalars(
            select(AuditLog.entity_type).where(AuditLog.entity_id == uuid.UUID(receipt["id"]))
        ).all()
    assert audited == ["goods_receipt"]


def test_goods_for_another_branch_go_on_its_own_product(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(branch=shop.branch_b, sizes=["2×3"], stock=1)
    receipt = receive(shop, receipt_body(shop, supplier, item(carpet, 2, 50000)))
    [received] = receipt["lines"]
    assert received["product_id"] != str(carpet.id)
    copy = product(shop, received["product_id"])
    assert (copy["branch_id"], copy["name"], copy["quantity"]) == (
        str(shop.branch_a.id),
        carpet.name,
        2,
    )
    assert product(shop, carpet.id)["quantity"] == 1


def test_a_roll_received_adds_its_length(shop, factory):
    supplier = factory.supplier()
    roll = shop.product(type="meter", sizes=["4×20"], length=20, stock=20)
    receipt = receive(
        shop,
        receipt_body(
            shop,
            supplier,
            item(roll, "12.5", 30000, size="4×20"),
            item(roll, 25, 32000, size="4×25"),
        ),
    )
    assert [x["amount"] for x in receipt["lines"]] == [375000, 800000]
    data = product(shop, roll.id)
    old, new = size_of(data, "4×20"), size_of(data, "4×25")
    assert (old["remaining_length"], old["total_length"]) == (32.5, 32.5)
    assert (new["remaining_length"], new["total_length"]) == (25, 25)
    assert data["remaining_length"] == 57.5
    assert ledger_per_size(shop, roll.id) == stock_per_size(data)
    fraction = assert_error(
        shop.post(
            "admin",
            "/api/goods-receipts",
            receipt_body(shop, supplier, item(roll, "1.005", 1, size="4×20")),
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert fraction["error"]["details"]["fields"]


def test_receipt_input_errors(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3", "3×4"])
    url = "/api/goods-receipts"
    cases = [
        receipt_body(shop, supplier, item(carpet, 1, 100)),  # which size?
        receipt_body(shop, supplier, item(carpet, 1, size="2×3")),  # the director's price
        receipt_body(shop, supplier, item(carpet, "1.5", 100, size="2×3")),
        receipt_body(shop, supplier, item(carpet, 1, 100, size="9×9")),
        receipt_body(shop, supplier, item(carpet, 1, 100, size="2×3"), on_credit=True),
        receipt_body(
            shop, supplier, item(carpet, 1, 100, size="2×3"), item(carpet, 1, 100, size="2×3")
        ),
        receipt_body(
            shop, supplier, item(carpet, 1, 100, size="2×3"), purchase_order_id=str(uuid.uuid4())
        ),
        {
            **receipt_body(shop, supplier, item(carpet, 1, 100, size="2×3")),
            "supplier_id": str(carpet.id),
        },
    ]
    for body in cases:
        assert_error(shop.post("admin", url, body), 422, "VALIDATION_ERROR")
    assert stock_per_size(product(shop, carpet.id)) == {"2×3": 10, "3×4": 0}


def test_receiving_against_an_order_fills_it_and_refuses_more(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3", "3×4"], stock=0)
    order = ordered(
        shop,
        supplier,
        {"product_id": str(carpet.id), "size": "2×3", "quantity": 5, "buy_price": 70000},
        {"product_id": str(carpet.id), "size": "3×4", "quantity": 2, "buy_price": 90000},
    )
    against = {"purchase_order_id": order["id"]}
    first = receive(shop, receipt_body(shop, supplier, item(carpet, 3, size="2×3"), **against))
    # The order line's price when the receipt names none.
    assert first["lines"][0]["buy_price"] == 70000
    assert first["lines"][0]["purchase_order_line_id"] == order["lines"][0]["id"]
    url = f"/api/purchase-orders/{order['id']}"
    assert assert_ok(shop.get("admin", url))["status"] == "partially_received"

    too_many = assert_error(
        shop.post(
            "admin",
            "/api/goods-receipts",
            receipt_body(
                shop, supplier, item(carpet, 1, size="3×4"), item(carpet, 3, size="2×3"), **against
            ),
        ),
        409,
        "CONFLICT",
    )
    details = too_many["error"]["details"]
    assert details == {
        "reason": "over_receipt",
        "field": "lines.1.quantity",
        "ordered": "5.00",
        "received": "3.00",
        "remaining": "2.00",
        "requested": "3.00",
    }
    # Refused as a whole: neither line took anything.
    after = assert_ok(shop.get("admin", url))
    assert [x["received_quantity"] for x in after["lines"]] == [3, 0]
    assert stock_per_size(product(shop, carpet.id)) == {"2×3": 3, "3×4": 0}

    not_ordered = shop.product(sizes=["2×3"])
    assert_error(
        shop.post(
            "admin",
            "/api/goods-receipts",
            receipt_body(shop, supplier, item(not_ordered, 1, 5), **against),
        ),
        422,
        "VALIDATION_ERROR",
    )
    # The director may allow more, on that receipt.
    over = receive(
        shop,
        receipt_body(shop, supplier, item(carpet, 3, size="2×3"), item(carpet, 2, size="3×4"),
                     allow_over_receipt=True, **against),
    )  # fmt: skip
    assert over["allow_over_receipt"] is True
    done = assert_ok(shop.get("admin", url))
    assert done["status"] == "received"
    assert [(x["received_quantity"], x["remaining"]) for x in done["lines"]] == [(6, 0), (2, 0)]
    # A received order takes nothing more unless allowed again.
    assert_error(
        shop.post(
            "admin",
            "/api/goods-receipts",
            receipt_body(shop, supplier, item(carpet, 1, size="3×4"), **against),
        ),
        409,
        "CONFLICT",
    )
    assert stock_per_size(product(shop, carpet.id)) == {"2×3": 6, "3×4": 2}
    receipts = shop.get("admin", "/api/goods-receipts", purchase_order_id=order["id"]).json()
    assert receipts["meta"]["total"] == 2


def test_a_draft_or_cancelled_order_takes_no_goods(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product()
    draft = assert_ok(
        shop.post(
            "admin",
            "/api/purchase-orders",
            {
                "supplier_id": str(supplier.id),
                "branch_id": str(shop.branch_a.id),
                "lines": [{"product_id": str(carpet.id), "quantity": 1, "buy_price": 1}],
            },
        ),
        201,
    )
    body = receipt_body(shop, supplier, item(carpet, 1), purchase_order_id=draft["id"])
    assert_error(shop.post("admin", "/api/goods-receipts", body), 409, "CONFLICT")
    other = factory.supplier()
    wrong_supplier = {**body, "supplier_id": str(other.id)}
    assert_error(shop.post("admin", "/api/goods-receipts", wrong_supplier), 422, "VALIDATION_ERROR")
    wrong_branch = {**body, "branch_id": str(shop.branch_b.id)}
    assert_error(shop.post("admin", "/api/goods-receipts", wrong_branch), 422, "VALIDATION_ERROR")


def test_a_dollar_line_is_kept_in_both_currencies_exact_to_the_tiyin(shop, factory, clock):
    supplier = factory.supplier(currency=Currency.USD)
    carpet = shop.product(sizes=["2×3"], stock=0)
    body = receipt_body(shop, supplier, item(carpet, 3, "41.37"))
    # No rate yet: refused, naming why.
    refused = assert_error(shop.post("admin", "/api/goods-receipts", body), 422, "VALIDATION_ERROR")
    assert "currency-rates" in refused["error"]["message"]
    assert refused["error"]["details"]["fields"][0]["field"] == "lines.0.currency"
    # The latest rate on or before the receipt's day.
    factory.usd_rate("12650.50", factory.today() - timedelta(days=2))
    receipt = receive(shop, body)
    [line] = receipt["lines"]
    assert line["currency"] == "USD" and line["buy_price"] == 41.37
    # Half up to the tiyin, ties included: 41.37 × 12650.50 = 523351.185 → 523351.19.
    assert Decimal(str(line["buy_price_uzs"])) == Decimal("523351.19")
    assert Decimal(str(line["amount"])) == Decimal("124.11")
    # The so'm amount is the dollar amount at the rate: 124.11 × 12650.50 = 1570053.555.
    assert Decimal(str(line["amount_uzs"])) == Decimal("1570053.56")
    assert receipt["rate"] == 12650.5
    assert Decimal(str(receipt["total_usd"])) == Decimal("124.11")
    assert Decimal(str(receipt["total_uzs"])) == Decimal("1570053.56")
    # The size's cost is in so'm: nothing was on hand, so it is the received price.
    assert Decimal(str(size_of(product(shop, carpet.id), "2×3")["buy_price"])) == Decimal(
        "523351.19"
    )

    # Mixed currencies: the so'm total adds both, the dollar total only the dollar lines.
    other = shop.product(sizes=["2×3"], stock=0)
    mixed = receive(
        shop,
        receipt_body(shop, supplier, item(carpet, 1, "0.01"), item(other, 2, 1000, currency="UZS")),
    )
    assert Decimal(str(mixed["total_usd"])) == Decimal("0.01")
    # 0.01 × 12650.50 = 126.505 → 126.51 (half up, not to even).
    assert Decimal(str(mixed["total_uzs"])) == Decimal("126.51") + Decimal(2000)


def test_a_receipt_on_credit_opens_its_payable(shop, factory):
    supplier = factory.supplier()
    carpet = shop.product(sizes=["2×3"], stock=0)
    due = (factory.today() + timedelta(days=30)).isoformat()
    receipt = receive(
        shop,
        receipt_body(shop, supplier, item(carpet, 2, 55000), on_credit=True, due_date=due),
    )
    assert receipt["on_credit"] is True and receipt["due_date"] == due
    cash = receive(shop, receipt_body(shop, supplier, item(carpet, 1, 55000)))
    with factory.db.transaction() as session:
        payables = session.scalars(select(Payable)).all()
        assert [
            (str(p.goods_receipt_id), p.total_amount, p.remaining_amount) for p in payables
        ] == [(receipt["id"], Decimal(110000), Decimal(110000))]
        assert str(payables[0].due_date) == due
    assert cash["on_credit"] is False
    late = (factory.today() - timedelta(days=1)).isoformat()
    body = receipt_body(shop, supplier, item(carpet, 1, 1), on_credit=True, due_date=late)
    assert_error(shop.post("admin", "/api/goods-receipts", body), 422, "VALIDATION_ERROR")
    # Bought in dollars on the order: a price given on the receipt keeps the order's currency.
    factory.usd_rate(12000)
    order = ordered(
        shop,
        supplier,
        {"product_id": str(carpet.id), "quantity": 2, "buy_price": 10, "currency": "USD"},
    )
    dollars = receive(
        shop, receipt_body(shop, supplier, item(carpet, 2, 11), purchase_order_id=order["id"])
    )
    assert (dollars["lines"][0]["currency"], dollars["total_uzs"]) == ("USD", 264_000)


def test_a_roll_without_sizes_and_the_period_filter(shop, factory, clock):
    supplier = factory.supplier()
    roll = shop.product(type="meter", sizes=[], length=10, buy_price=20_000)
    assert_error(
        shop.post(
            "admin",
            "/api/goods-receipts",
            receipt_body(shop, supplier, item(roll, 5, 26_000, size="4×5")),
        ),
        422,
        "VALIDATION_ERROR",
    )
    receipt = receive(shop, receipt_body(shop, supplier, item(roll, "7.5", 26_000)))
    assert receipt["lines"][0]["size"] is None
    data = product(shop, roll.id)
    assert data["remaining_length"] == 17.5
    # (10 × 20 000 + 7.5 × 26 000) / 17.5 = 22 571.428… → 22 571.43
    assert Decimal(str(data["buy_price"])) == Decimal("22571.43")
    assert ledger_per_size(shop, roll.id) == {None: Decimal("17.5")}

    today = factory.today()
    listed = shop.get("admin", "/api/goods-receipts", period="today").json()
    assert [r["id"] for r in listed["data"]] == [receipt["id"]]
    before = (today - timedelta(days=3)).isoformat()
    old = shop.get("admin", "/api/goods-receipts", date_from=before, date_to=before).json()
    assert old["meta"]["total"] == 0
    assert receipt["received_on"] == today.isoformat()
