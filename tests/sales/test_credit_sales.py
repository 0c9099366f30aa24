"""Credit sales (nasiya): a `debt` payment line opens the customer's debt in the sale's
transaction; everything that can be wrong with one is a 422 naming the field, and a refused
sale leaves nothing behind (no sale, debt, movement, customer or receipt number)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from carpet_shop.audit.models import AuditLog
from carpet_shop.customers.models import Customer
from carpet_shop.debts.models import Debt
from carpet_shop.sales.models import Sale
from tests.factories import assert_error, assert_ok, auth_headers
from tests.shop import Shop

# The conftest clock stands at Tuesday 10 March 2026, 10:00 in Tashkent.
TODAY = date(2026, 3, 10)
DUE = (TODAY + timedelta(days=30)).isoformat()


def _written(shop: Shop) -> dict[str, int]:
    """Everything a refused credit sale must not leave behind."""
    return shop.counts() | {
        "debts": shop.count(Debt),
        "customers": shop.count(Customer),
        "audit_all": shop.count(AuditLog),
    }


def _receipt(product: Any, payments: list[tuple[str, Any]], **extra: Any) -> dict[str, Any]:
    total = sum(Decimal(str(a)) for _, a in payments)
    return {
        "items": [{"product_id": str(product.id), "quantity": 1, "amount": float(total)}],
        "payments": [{"payment_type": t, "amount": a} for t, a in payments],
        **extra,
    }


def _post(shop: Shop, body: dict[str, Any], headers: dict[str, str] | None = None, **kw: Any):
    return shop.client.post("/api/sales", json=body, headers=headers or shop.seller_h, **kw)


def _fields(response: Any) -> list[str]:
    body = assert_error(response, 422, "VALIDATION_ERROR")
    return [f["field"] for f in body["error"]["details"]["fields"]]


def test_a_credit_sale_opens_the_debt_and_paying_it_off_makes_it_paid(shop: Shop):
    product = shop.factory.product(shop.branch, stock=3, buy_price=100_000, sell_price=150_000)
    body = _receipt(
        product,
        [("cash", 50_000.25), ("debt", 99_999.75)],
        customer_name="Aziz Rahimov",
        customer_phone="90 123 45 67",
        debt_deadline=DUE,
    )
    sale = assert_ok(_post(shop, body), 201)
    assert sale["payment_type"] == "mixed"
    assert sale["payments"] == [
        {"payment_type": "cash", "amount": 50_000.25},
        {"payment_type": "debt", "amount": 99_999.75},
    ]
    assert sale["customer_name"] == "Aziz Rahimov"
    assert sale["customer_phone"] == "+998901234567"
    assert sale["customer_id"] is not None
    debt = sale["debt"]
    assert debt["total_amount"] == debt["remaining_amount"] == 99_999.75
    assert debt["status"] == "pending"
    assert debt["payment_deadline"] == DUE
    assert shop.stock(product) == 2

    url = f"/api/debts/{debt['id']}"
    full = assert_ok(shop.client.get(url, headers=shop.seller_h))
    assert full["sale_id"] == sale["id"]
    assert full["customer_id"] == sale["customer_id"]
    assert full["customer_phone"] == "+998901234567"
    assert full["branch_id"] == str(shop.branch.id)
    assert full["seller_id"] == str(shop.seller.id)
    assert full["created_by_id"] == str(shop.seller.id)
    assert Decimal(str(full["total_amount"])) == Decimal("99999.75")
    assert full["status"] == "pending"

    pay = f"{url}/payments"
    first = shop.client.post(pay, json={"amount": 60_000}, headers=shop.seller_h)
    assert assert_ok(first, 201)["debt"]["remaining_amount"] == 39_999.75
    assert_error(
        shop.client.post(pay, json={"amount": 40_000}, headers=shop.seller_h),
        422,
        "PAYMENT_EXCEEDS_REMAINING",
    )
    last = assert_ok(shop.client.post(pay, json={"amount": 39_999.75}, headers=shop.seller_h), 201)
    assert last["debt"]["remaining_amount"] == 0
    assert last["debt"]["status"] == "paid"
    card = assert_ok(shop.client.get(f"/api/sales/{sale['id']}", headers=shop.seller_h))
    assert card["debt"] == {**debt, "remaining_amount": 0, "status": "paid"}


def test_the_one_product_body_puts_the_whole_amount_on_credit(shop: Shop):
    customer = shop.factory.customer("Dilnoza", "+998931112233")
    product = shop.factory.product(shop.other_branch, stock=2)
    # The director sells from any branch: the debt is that branch's.
    response = shop.sell(
        shop.admin_h,
        product,
        amount=123_456.78,
        payment_type="debt",
        customer_id=str(customer.id),
        debt_deadline=DUE,
    )
    sale = assert_ok(response, 201)
    assert sale["payment_type"] == "debt"
    assert sale["customer_id"] == str(customer.id)
    assert (sale["customer_name"], sale["customer_phone"]) == ("Dilnoza", "+998931112233")
    assert sale["debt"]["total_amount"] == 123_456.78
    [debt] = shop.scalars(select(Debt))
    assert debt.total_amount == debt.remaining_amount == Decimal("123456.78")
    assert debt.branch_id == shop.other_branch.id
    assert debt.sale_id == uuid.UUID(sale["id"])
    assert debt.customer_id == customer.id
    assert debt.seller_id == shop.admin.id


def test_cash_sales_carry_no_debt_and_the_list_shows_each_sales_own(shop: Shop):
    product = shop.factory.product(shop.branch, stock=5)
    cash = assert_ok(shop.sell(shop.seller_h, product), 201)
    assert cash["debt"] is None and cash["customer_id"] is None
    credit = assert_ok(
        shop.sell(
            shop.seller_h,
            product,
            payment_type="debt",
            customer_name="Aziz",
            customer_phone="+998901234567",
            debt_deadline=DUE,
        ),
        201,
    )
    listed = assert_ok(shop.client.get("/api/sales", headers=shop.seller_h))
    debts = {s["id"]: s["debt"] for s in listed}
    assert debts == {cash["id"]: None, credit["id"]: credit["debt"]}
    admin = assert_ok(shop.client.get("/api/sales", headers=shop.admin_h))
    assert {s["id"]: s["debt"] for s in admin} == debts


def test_the_card_shows_the_true_status_once_the_deadline_has_passed(shop: Shop):
    product = shop.factory.product(shop.branch)
    sale = assert_ok(
        shop.sell(
            shop.seller_h,
            product,
            payment_type="debt",
            customer_name="Aziz",
            customer_phone="901234567",
            debt_deadline=(TODAY + timedelta(days=1)).isoformat(),
        ),
        201,
    )
    # Paying on the deadline is on time; from the next shop midnight it is overdue.
    shop.factory.clock.advance(timedelta(days=1, hours=13, minutes=59))
    headers = auth_headers(shop.client, shop.seller)  # a day later: a fresh sign-in
    card = assert_ok(shop.client.get(f"/api/sales/{sale['id']}", headers=headers))
    assert card["debt"]["status"] == "pending"
    shop.factory.clock.advance(timedelta(minutes=2))
    card = assert_ok(shop.client.get(f"/api/sales/{sale['id']}", headers=headers))
    assert card["debt"]["status"] == "overdue"
    listed = assert_ok(shop.client.get("/api/sales", headers=headers))
    assert listed[0]["debt"]["status"] == "overdue"


def _case(payments: list[tuple[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"payments": payments, **extra}


CUSTOMER = {"customer_name": "Aziz", "customer_phone": "90 123 45 67"}
CREDIT = [("cash", 50_000), ("debt", 100_000)]


@pytest.mark.parametrize(
    ("case", "fields"),
    [
        pytest.param(
            _case(CREDIT, debt_deadline=DUE),
            ["customer_name", "customer_phone"],
            id="no-customer",
        ),
        pytest.param(
            _case(CREDIT, debt_deadline=DUE, customer_name="Aziz"),
            ["customer_phone"],
            id="no-phone",
        ),
        pytest.param(
            _case(CREDIT, debt_deadline=DUE, customer_phone="901234567"),
            ["customer_name"],
            id="no-name",
        ),
        pytest.param(
            _case(CREDIT, debt_deadline=DUE, customer_id=str(uuid.uuid4())),
            ["customer_id"],
            id="unknown-customer-id",
        ),
        pytest.param(
            _case(CREDIT, debt_deadline=DUE, customer_id=str(uuid.uuid4()), **CUSTOMER),
            ["customer_id"],
            id="id-and-name",
        ),
        pytest.param(
            _case(CREDIT, debt_deadline=DUE, customer_name="Aziz", customer_phone="+7 901 234"),
            ["customer_phone"],
            id="bad-phone",
        ),
        pytest.param(_case(CREDIT, **CUSTOMER), ["debt_deadline"], id="no-deadline"),
        pytest.param(
            _case(CREDIT, debt_deadline=TODAY.isoformat(), **CUSTOMER),
            ["debt_deadline"],
            id="deadline-today",
        ),
        pytest.param(
            _case(CREDIT, debt_deadline="2026-03-01", **CUSTOMER),
            ["debt_deadline"],
            id="deadline-past",
        ),
        pytest.param(
            _case([("cash", 150_000)], debt_deadline=DUE, **CUSTOMER),
            ["debt_deadline"],
            id="deadline-without-debt",
        ),
        pytest.param(
            _case(
                [("cash", 50_000), ("debt", 60_000), ("debt", 40_000)],
                debt_deadline=DUE,
                **CUSTOMER,
            ),
            ["payments.2.payment_type"],
            id="two-debt-lines",
        ),
        pytest.param(
            _case([("debt", 100_000), ("cash", 40_000)], debt_deadline=DUE, **CUSTOMER),
            ["payments"],
            id="payments-do-not-add-up",
        ),
    ],
)
def test_a_bad_credit_sale_is_422_on_the_field_and_writes_nothing(shop: Shop, case, fields):
    product = shop.factory.product(shop.branch, stock=3)
    before = _written(shop)
    case = dict(case)  # shared by both backends' runs
    payments = case.pop("payments")
    body = {
        "items": [{"product_id": str(product.id), "quantity": 1, "amount": 150_000}],
        "payments": [{"payment_type": t, "amount": a} for t, a in payments],
        **case,
    }
    assert _fields(_post(shop, body)) == fields
    assert _written(shop) == before
    assert shop.stock(product) == 3


def test_the_one_product_body_on_credit_names_the_missing_deadline(shop: Shop):
    product = shop.factory.product(shop.branch)
    response = shop.sell(shop.seller_h, product, payment_type="debt", **CUSTOMER)
    assert _fields(response) == ["debt_deadline"]
    no_customer = shop.sell(shop.seller_h, product, payment_type="debt", debt_deadline=DUE)
    assert _fields(no_customer) == ["customer_name", "customer_phone"]


def test_a_credit_sale_refused_for_stock_leaves_nothing_not_even_the_customer(shop: Shop):
    product = shop.factory.product(shop.branch, stock=1)
    before = _written(shop)
    body = {
        "items": [{"product_id": str(product.id), "quantity": 2, "amount": 300_000}],
        "payments": [{"payment_type": "cash", "amount": 100_000}],
        "customer_name": "New Person",
        "customer_phone": "+998 97 765 43 21",
        "debt_deadline": DUE,
    }
    body["payments"].append({"payment_type": "debt", "amount": 200_000})
    error = assert_error(_post(shop, body), 409, "INSUFFICIENT_STOCK")
    assert error["error"]["details"]["products"][0]["available"] == "1"
    assert _written(shop) == before
    assert shop.count(Customer) == 0
    # The receipt counter did not move: the next sale is still number 1.
    body["items"][0]["quantity"] = 1
    body["items"][0]["amount"] = 150_000
    body["payments"] = [{"payment_type": "debt", "amount": 150_000}]
    sale = assert_ok(_post(shop, body), 201)
    assert sale["receipt_number"] == f"{shop.branch.code}-000001"
    assert shop.count(Customer) == 1


def test_a_seller_below_cost_on_credit_writes_nothing(shop: Shop):
    product = shop.factory.product(shop.branch, buy_price=100_000, sell_price=150_000)
    before = _written(shop)
    body = _receipt(product, [("debt", 90_000)], debt_deadline=DUE, **CUSTOMER)
    assert_error(_post(shop, body), 422, "PRICE_BELOW_COST")
    assert _written(shop) == before


def test_an_idempotent_retry_of_a_credit_sale_makes_one_sale_and_one_debt(shop: Shop):
    product = shop.factory.product(shop.branch, stock=5)
    body = _receipt(product, CREDIT, debt_deadline=DUE, **CUSTOMER)
    key = {"Idempotency-Key": "phone-7-credit-1"}
    first = _post(shop, body, {**shop.seller_h, **key})
    assert first.status_code == 201, first.text
    again = _post(shop, body, {**shop.seller_h, **key})
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    # The phone in another spelling is the same request.
    respelled = _post(shop, {**body, "customer_phone": "+998901234567"}, {**shop.seller_h, **key})
    assert respelled.headers["idempotent-replayed"] == "true"
    assert shop.count(Sale) == 1
    assert shop.count(Debt) == 1
    assert shop.count(Customer) == 1
    assert shop.stock(product) == 4


def test_the_customer_is_found_by_phone_in_any_spelling(shop: Shop):
    known = shop.factory.customer("Aziz Rahimov", "+998901234567")
    product = shop.factory.product(shop.branch, stock=10)
    for spelling in ("90 123 45 67", "998901234567", "+998 (90) 123-45-67", "00998901234567"):
        sale = assert_ok(
            shop.sell(shop.seller_h, product, customer_name="Aziz aka", customer_phone=spelling),
            201,
        )
        assert sale["customer_id"] == str(known.id)
        # The registry's name stands; a seller's spelling does not overwrite it.
        assert sale["customer_name"] == "Aziz Rahimov"
        assert sale["customer_phone"] == "+998901234567"
    assert shop.count(Customer) == 1


def test_a_new_customer_is_registered_once_and_audited(shop: Shop):
    product = shop.factory.product(shop.branch, stock=10)
    first = assert_ok(
        shop.sell(shop.seller_h, product, customer_name="Kamola", customer_phone="93 555 66 77"),
        201,
    )
    [customer] = shop.scalars(select(Customer))
    assert (customer.name, customer.phone) == ("Kamola", "+998935556677")
    assert customer.registered_branch_id == shop.branch.id
    assert first["customer_id"] == str(customer.id)
    assert shop.count(AuditLog, AuditLog.entity_type == "customer") == 1
    [entry] = shop.scalars(select(AuditLog).where(AuditLog.entity_type == "sale"))
    assert entry.changes["customer_id"]["new"] == str(customer.id)


def test_without_a_full_customer_a_cash_sale_keeps_what_it_was_given(shop: Shop):
    product = shop.factory.product(shop.branch, stock=10)
    named = assert_ok(shop.sell(shop.seller_h, product, customer_name="Walk-in"), 201)
    assert (named["customer_id"], named["customer_name"]) == (None, "Walk-in")
    phoned = assert_ok(shop.sell(shop.seller_h, product, customer_phone="90-123-45-67"), 201)
    assert phoned["customer_id"] is None
    assert phoned["customer_phone"] == "+998901234567"
    assert shop.count(Customer) == 0


def test_the_phone_filter_matches_any_spelling(shop: Shop):
    product = shop.factory.product(shop.branch, stock=10)
    sold = assert_ok(shop.sell(shop.seller_h, product, **CUSTOMER), 201)
    shop.sell(shop.seller_h, product, customer_name="Other", customer_phone="+998935556677")

    def receipts(phone: str) -> list[str]:
        listed = shop.client.get(
            "/api/sales", params={"customer_phone": phone}, headers=shop.admin_h
        )
        return [s["receipt_number"] for s in assert_ok(listed)]

    for spelling in ("+998901234567", "90 123 45 67", "998901234567", "(90) 123-45-67"):
        assert receipts(spelling) == [sold["receipt_number"]]
    bad = shop.client.get("/api/sales", params={"customer_phone": "12"}, headers=shop.admin_h)
    assert _fields(bad) == ["customer_phone"]


def test_the_sale_and_its_debt_are_audited_in_the_same_transaction(shop: Shop):
    product = shop.factory.product(shop.branch)
    sale = assert_ok(_post(shop, _receipt(product, CREDIT, debt_deadline=DUE, **CUSTOMER)), 201)
    [entry] = shop.scalars(select(AuditLog).where(AuditLog.entity_type == "sale"))
    assert entry.changes["debt_id"]["new"] == sale["debt"]["id"]
    [debt_entry] = shop.scalars(select(AuditLog).where(AuditLog.entity_type == "debt"))
    assert debt_entry.action == "CREATE"
    assert debt_entry.changes["sale_id"]["new"] == sale["id"]
    assert Decimal(debt_entry.changes["total_amount"]["new"]) == 100_000


def test_a_debt_recorded_by_hand_for_a_sale_shows_on_its_card(shop: Shop):
    product = shop.factory.product(shop.branch)
    sale = assert_ok(shop.sell(shop.seller_h, product), 201)
    made = shop.client.post(
        "/api/debts",
        json={
            "sale_id": sale["id"],
            "total_amount": 50_000,
            "payment_deadline": DUE,
            **CUSTOMER,
        },
        headers=shop.seller_h,
    )
    debt = assert_ok(made, 201)
    card = assert_ok(shop.client.get(f"/api/sales/{sale['id']}", headers=shop.seller_h))
    assert card["debt"]["id"] == debt["id"]
    assert card["debt"]["remaining_amount"] == 50_000
    # A sale has one debt: a credit line cannot be added on top of it by hand either.
    again = shop.client.post(
        "/api/debts",
        json={"sale_id": sale["id"], "total_amount": 1, "payment_deadline": DUE, **CUSTOMER},
        headers=shop.seller_h,
    )
    assert_error(again, 409, "CONFLICT")
