"""A supplier's balance, statement and card through HTTP."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from carpet_shop.currency.models import Currency
from carpet_shop.purchase_orders.models import PurchaseOrder, PurchaseOrderStatus
from tests.factories import assert_error, assert_ok, auth_headers, make_payable


def _money(value) -> Decimal:
    return Decimal(str(value))


def _pay(client, payable, headers, amount, **extra):
    response = client.post(
        f"/api/payables/{payable.id}/payments", json={"amount": amount, **extra}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]["payment"]


def _order(factory, supplier, branch) -> PurchaseOrder:
    with factory.db.transaction() as session:
        now = factory.clock.now()
        order = PurchaseOrder(
            number="PO-900001",
            supplier_id=supplier.id,
            branch_id=branch.id,
            status=PurchaseOrderStatus.ORDERED,
            expected_date=None,
            note=None,
            created_by_id=factory.admin().id,
            ordered_at=now,
            cancelled_at=None,
            created_at=now,
            updated_at=now,
        )
        session.add(order)
        session.flush()
        return order


def _setup(factory, shop):
    today = factory.today()
    supplier = factory.supplier("Kashan Carpets", currency=Currency.USD)
    som = make_payable(
        factory,
        total=1_000_000,
        supplier=supplier,
        branch=shop.branch_a,
        received_on=today - timedelta(days=10),
        due_date=today - timedelta(days=1),
    )
    usd = make_payable(
        factory,
        total=500,
        currency=Currency.USD,
        supplier=supplier,
        branch=shop.branch_b,
        received_on=today - timedelta(days=5),
        due_date=today + timedelta(days=20),
    )
    # Another supplier's debt is not this one's.
    make_payable(factory, total=777, branch=shop.branch_a, due_date=today - timedelta(days=3))
    return supplier, som, usd


def test_balance_per_currency_with_the_overdue_part(client, shop, factory):
    supplier, som, usd = _setup(factory, shop)
    _pay(client, som, shop.as_admin, 400_000)
    _pay(client, usd, shop.as_admin, 100, currency="USD")
    balance = assert_ok(client.get(f"/api/suppliers/{supplier.id}/balance", headers=shop.as_admin))
    assert balance["supplier_name"] == "Kashan Carpets"
    by = {b["currency"]: b for b in balance["balances"]}
    assert _money(by["UZS"]["owed"]) == 600_000 and _money(by["UZS"]["overdue"]) == 600_000
    assert by["UZS"]["open_count"] == 1 and by["UZS"]["overdue_count"] == 1
    assert _money(by["USD"]["owed"]) == 400 and _money(by["USD"]["overdue"]) == 0
    assert by["USD"]["open_count"] == 1 and by["USD"]["overdue_count"] == 0

    _pay(client, som, shop.as_admin, 600_000)
    balance = assert_ok(client.get(f"/api/suppliers/{supplier.id}/balance", headers=shop.as_admin))
    by = {b["currency"]: b for b in balance["balances"]}
    assert by["UZS"] == {
        "currency": "UZS",
        "owed": 0,
        "overdue": 0,
        "open_count": 0,
        "overdue_count": 0,
    }

    missing = "00000000-0000-0000-0000-000000000000"
    assert_error(
        client.get(f"/api/suppliers/{missing}/balance", headers=shop.as_admin), 404, "NOT_FOUND"
    )


def test_statement_with_running_balance(client, shop, factory, clock):
    supplier, som, usd = _setup(factory, shop)
    today = factory.today()
    first = _pay(client, som, shop.as_admin, 400_000)
    dollars = _pay(client, usd, shop.as_admin, 100, currency="USD")
    clock.advance(timedelta(days=1))
    headers = auth_headers(client, shop.admin)
    second = _pay(client, som, headers, 100_000)

    def statement(**params):
        response = client.get(
            f"/api/suppliers/{supplier.id}/statement", params=params, headers=headers
        )
        return {c["currency"]: c for c in assert_ok(response)["currencies"]}

    period = statement(
        date_from=(today - timedelta(days=7)).isoformat(),
        date_to=(today + timedelta(days=1)).isoformat(),
    )
    uzs, usd_rows = period["UZS"], period["USD"]
    assert _money(uzs["opening_balance"]) == 1_000_000  # received before the period
    assert [
        (r["kind"], r["day"], _money(r["decrease"]), _money(r["balance"])) for r in uzs["rows"]
    ] == [
        ("payment", today.isoformat(), 400_000, 600_000),
        ("payment", (today + timedelta(days=1)).isoformat(), 100_000, 500_000),
    ]
    assert [r["payment_id"] for r in uzs["rows"]] == [first["id"], second["id"]]
    assert _money(uzs["total_decrease"]) == 500_000 and _money(uzs["closing_balance"]) == 500_000
    assert _money(usd_rows["opening_balance"]) == 0
    assert [
        (r["kind"], _money(r["increase"]), _money(r["decrease"]), _money(r["balance"]))
        for r in usd_rows["rows"]
    ] == [
        ("receipt", 500, 0, 500),
        ("payment", 0, 100, 400),
    ]
    assert usd_rows["rows"][1]["payment_id"] == dollars["id"]
    assert usd_rows["rows"][0]["document"].startswith("GR-")
    assert _money(usd_rows["closing_balance"]) == 400

    # Up to today only: the second payment is not in it.
    until_today = statement(date_to=today.isoformat())["UZS"]
    assert [r["kind"] for r in until_today["rows"]] == ["receipt", "payment"]
    assert _money(until_today["opening_balance"]) == 0
    assert _money(until_today["closing_balance"]) == 600_000

    everything = statement()["UZS"]
    assert [_money(r["balance"]) for r in everything["rows"]] == [1_000_000, 600_000, 500_000]
    assert_error(
        client.get(
            f"/api/suppliers/{supplier.id}/statement",
            params={"date_from": today.isoformat(), "date_to": "2020-01-01"},
            headers=headers,
        ),
        422,
        "VALIDATION_ERROR",
    )


def test_card(client, shop, factory):
    supplier, som, _usd = _setup(factory, shop)
    order = _order(factory, supplier, shop.branch_a)
    payment = _pay(client, som, shop.as_admin, 250_000, payment_type="transfer")
    card = assert_ok(client.get(f"/api/suppliers/{supplier.id}/card", headers=shop.as_admin))
    assert card["supplier"]["name"] == "Kashan Carpets" and card["supplier"]["currency"] == "USD"
    assert [o["id"] for o in card["recent_orders"]] == [str(order.id)]
    assert card["recent_orders"][0]["status"] == "ordered"
    receipts = card["recent_receipts"]
    assert [r["received_on"] for r in receipts] == sorted(
        (r["received_on"] for r in receipts), reverse=True
    )
    assert len(receipts) == 2 and all(r["on_credit"] for r in receipts)
    assert _money(receipts[0]["total_usd"]) == 500
    assert [p["id"] for p in card["recent_payments"]] == [payment["id"]]
    by = {b["currency"]: b for b in card["balance"]["balances"]}
    assert _money(by["UZS"]["owed"]) == 750_000 and _money(by["USD"]["owed"]) == 500
