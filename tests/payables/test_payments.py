"""Paying suppliers through HTTP: so'm and dollars to the tiyin, overpaying, retries."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from carpet_shop.currency.models import Currency, CurrencyRate
from tests.factories import assert_error, assert_ok, auth_headers, make_payable

CENT = Decimal("0.01")


def _pay(client, payable, headers, amount, key=None, **extra):
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(
        f"/api/payables/{payable.id}/payments",
        json={"amount": amount, **extra},
        headers=headers,
    )


def _read(client, payable, headers):
    return assert_ok(client.get(f"/api/payables/{payable.id}", headers=headers))


def _money(value) -> Decimal:
    return Decimal(str(value))


def _audit(client, headers):
    return client.get(
        "/api/audit-logs", params={"entity_type": "supplier_payment"}, headers=headers
    ).json()


def test_partial_payments_in_som_until_paid(client, shop, factory, clock):
    payable = make_payable(factory, total="1000000.50", branch=shop.branch_a)
    first = _pay(client, payable, shop.as_admin, "400000.25", payment_type="card", note="avans")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["message"] == "Payment recorded"
    payment, after = body["data"]["payment"], body["data"]["payable"]
    assert payment["amount"] == 400000.25 and payment["paid_amount"] == 400000.25
    assert payment["paid_currency"] == "UZS" and payment["rate"] is None
    assert payment["payment_type"] == "card" and payment["note"] == "avans"
    assert payment["recorded_by"] == str(shop.admin.id)
    assert after["remaining_amount"] == 600000.25 and after["paid_amount"] == 400000.25
    assert after["status"] == "open"

    clock.advance(timedelta(hours=1))
    last = _pay(client, payable, shop.as_admin, "600000.25", currency="UZS")
    assert last.status_code == 201, last.text
    assert last.json()["data"]["payment"]["payment_type"] == "cash"  # the default
    final = _read(client, payable, shop.as_admin)
    assert final["remaining_amount"] == 0 and final["status"] == "paid"
    assert [p["amount"] for p in final["payments"]] == [600000.25, 400000.25]  # newest first
    entries = _audit(client, shop.as_admin)
    assert entries["meta"]["total"] == 2
    changes = {e["entity_id"]: e["changes"] for e in entries["data"]}
    first_changes = changes[payment["id"]]
    assert first_changes["remaining_amount"] == {"old": "1000000.50", "new": "600000.25"}
    assert first_changes["payable_id"]["new"] == str(payable.id)


def test_a_dollar_payable_paid_in_dollars(client, shop, factory):
    payable = make_payable(factory, total="1500.75", currency=Currency.USD, branch=shop.branch_a)
    response = _pay(client, payable, shop.as_admin, "500.25", currency="USD")
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["payment"]["amount"] == 500.25 and data["payment"]["rate"] is None
    assert data["payable"]["currency"] == "USD" and data["payable"]["remaining_amount"] == 1000.5


def test_a_dollar_payable_paid_in_som_at_the_days_rate(client, shop, factory):
    factory.usd_rate("12000", factory.today() - timedelta(days=3))
    factory.usd_rate("12500")  # today's: the one used
    payable = make_payable(factory, total="1000", currency=Currency.USD, branch=shop.branch_a)
    # 1 000 062.50 / 12 500 = 80.005 -> 80.01 (half up, not to even).
    response = _pay(client, payable, shop.as_admin, "1000062.50", currency="UZS")
    assert response.status_code == 201, response.text
    payment = response.json()["data"]["payment"]
    assert payment["paid_currency"] == "UZS" and payment["paid_amount"] == 1000062.5
    assert _money(payment["rate"]) == Decimal("12500")
    assert _money(payment["amount"]) == Decimal("80.01")
    after = _read(client, payable, shop.as_admin)
    assert _money(after["remaining_amount"]) == Decimal("919.99")

    # An odd amount at an odd rate, against the reference computation.
    factory.clock.advance(timedelta(days=1))
    factory.usd_rate("12650.37")
    paid = Decimal("1000000")
    expected = (paid / Decimal("12650.37")).quantize(CENT, rounding=ROUND_HALF_UP)
    assert expected == Decimal("79.05")
    headers = auth_headers(client, shop.admin)  # the old token has expired
    second = _pay(client, payable, headers, "1000000", currency="UZS")
    assert second.status_code == 201, second.text
    assert _money(second.json()["data"]["payment"]["amount"]) == expected
    assert _money(second.json()["data"]["payment"]["rate"]) == Decimal("12650.37")
    final = _read(client, payable, headers)
    assert _money(final["remaining_amount"]) == Decimal("919.99") - expected


def test_a_som_payable_paid_in_dollars(client, shop, factory):
    factory.usd_rate("12345.67")
    payable = make_payable(factory, total=10_000_000, branch=shop.branch_a)
    # 0.50 × 12 345.67 = 6 172.835 -> 6 172.84 so'm.
    response = _pay(client, payable, shop.as_admin, "0.50", currency="USD")
    assert response.status_code == 201, response.text
    payment = response.json()["data"]["payment"]
    assert _money(payment["amount"]) == Decimal("6172.84")
    assert payment["paid_currency"] == "USD" and _money(payment["paid_amount"]) == Decimal("0.5")
    assert _money(response.json()["data"]["payable"]["remaining_amount"]) == Decimal("9993827.16")


def test_no_rate_for_the_day_is_refused_with_nothing_written(client, shop, factory):
    # Tomorrow's rate (the API refuses one; written as a row) is not in force today.
    with factory.db.transaction() as session:
        session.add(
            CurrencyRate(
                day=factory.today() + timedelta(days=1),
                rate=Decimal("12500"),
                created_at=factory.clock.now(),
            )
        )
    payable = make_payable(factory, total="1000", currency=Currency.USD, branch=shop.branch_a)
    body = assert_error(
        _pay(client, payable, shop.as_admin, 100000, currency="UZS"), 422, "VALIDATION_ERROR"
    )
    assert body["error"]["details"]["day"] == factory.today().isoformat()
    assert body["error"]["details"]["fields"][0]["field"] == "currency"
    assert "rate" in body["error"]["message"]
    after = _read(client, payable, shop.as_admin)
    assert after["remaining_amount"] == 1000 and after["payments"] == []
    # In the payable's own currency no rate is needed.
    assert _pay(client, payable, shop.as_admin, 100, currency="USD").status_code == 201


def test_overpaying_is_refused_with_nothing_written(client, shop, factory):
    payable = make_payable(factory, total=1000, branch=shop.branch_a)
    assert _pay(client, payable, shop.as_admin, 700).status_code == 201
    body = assert_error(
        _pay(client, payable, shop.as_admin, "300.01"), 422, "PAYMENT_EXCEEDS_REMAINING"
    )
    assert body["error"]["details"]["remaining_amount"] == "300.00"
    assert body["error"]["details"]["currency"] == "UZS"
    # In dollars: 0.03 USD at 12 500 is 375 so'm, more than the 300 left.
    factory.usd_rate("12500")
    assert_error(
        _pay(client, payable, shop.as_admin, "0.03", currency="USD"),
        422,
        "PAYMENT_EXCEEDS_REMAINING",
    )
    after = _read(client, payable, shop.as_admin)
    assert after["remaining_amount"] == 300 and len(after["payments"]) == 1
    assert _audit(client, shop.as_admin)["meta"]["total"] == 1  # refusals leave no trace
    assert _pay(client, payable, shop.as_admin, 300).status_code == 201
    assert_error(_pay(client, payable, shop.as_admin, "0.01"), 422, "PAYMENT_EXCEEDS_REMAINING")
    assert _read(client, payable, shop.as_admin)["status"] == "paid"


def test_an_idempotent_retry_returns_the_same_payment(client, shop, factory):
    payable = make_payable(factory, total=1000, branch=shop.branch_a)
    first = _pay(client, payable, shop.as_admin, 250, key="retry-1", payment_type="transfer")
    again = _pay(client, payable, shop.as_admin, 250, key="retry-1", payment_type="transfer")
    assert first.status_code == again.status_code == 201
    assert again.json()["message"] == "Payment already recorded"
    assert again.json()["data"]["payment"]["id"] == first.json()["data"]["payment"]["id"]
    assert _read(client, payable, shop.as_admin)["remaining_amount"] == 750

    # The same key with another body is a conflict, and pays nothing.
    for changed in ({"amount": 300}, {"amount": 250, "payment_type": "cash"}):
        body = {"payment_type": "transfer", **changed}
        amount = body.pop("amount")
        conflict = _pay(client, payable, shop.as_admin, amount, key="retry-1", **body)
        details = assert_error(conflict, 409, "CONFLICT")["error"]["details"]
        assert details["payment_id"] == first.json()["data"]["payment"]["id"]
    # A key is per payable: another payable may use it.
    other = make_payable(factory, total=1000, branch=shop.branch_a)
    assert _pay(client, other, shop.as_admin, 100, key="retry-1").status_code == 201
    after = _read(client, payable, shop.as_admin)
    assert after["remaining_amount"] == 750 and len(after["payments"]) == 1


def test_invalid_payments(client, shop, factory):
    payable = make_payable(factory, total=1000, branch=shop.branch_a)
    for amount in (0, -1, "1.001", "abc", None):
        assert_error(_pay(client, payable, shop.as_admin, amount), 422, "VALIDATION_ERROR")
    for extra in ({"currency": "EUR"}, {"payment_type": "debt"}, {"recorded_by": "x"}):
        assert_error(_pay(client, payable, shop.as_admin, 10, **extra), 422, "VALIDATION_ERROR")
    missing = "00000000-0000-0000-0000-000000000000"
    refused = client.post(
        f"/api/payables/{missing}/payments", json={"amount": 1}, headers=shop.as_admin
    )
    assert_error(refused, 404, "NOT_FOUND")
    assert _read(client, payable, shop.as_admin)["remaining_amount"] == 1000


def test_a_payment_worth_less_than_a_cent_is_refused(client, shop, factory):
    factory.usd_rate("12500")
    payable = make_payable(factory, total=10, currency=Currency.USD, branch=shop.branch_a)
    # 62.49 so'm is 0.004999 USD: nothing once rounded to the cent.
    body = assert_error(
        _pay(client, payable, shop.as_admin, "62.49", currency="UZS"), 422, "VALIDATION_ERROR"
    )
    assert body["error"]["details"]["fields"][0]["field"] == "amount"
    # 62.50 so'm is 0.005 USD: half up, one cent.
    paid = _pay(client, payable, shop.as_admin, "62.50", currency="UZS")
    assert paid.status_code == 201, paid.text
    assert _money(paid.json()["data"]["payment"]["amount"]) == CENT
    assert len(_read(client, payable, shop.as_admin)["payments"]) == 1
