"""The director's dollar rate through HTTP: one per shop day, history, the rate in force."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from carpet_shop.currency.repository import CurrencyRateRepository
from tests.factories import assert_error, assert_ok, auth_headers

TODAY = "2026-03-10"  # the tests' clock: 10:00 in Tashkent on this day (tests/conftest.py)


def _record(client, headers, rate, day=None):
    body = {"rate": rate} if day is None else {"rate": rate, "day": day}
    return client.post("/api/currency-rates", json=body, headers=headers)


def test_the_director_records_todays_rate_and_everyone_reads_it(client, shop):
    response = _record(client, shop.as_admin, 12650.50)
    row = assert_ok(response, 201)
    assert response.json()["message"] == "Dollar rate recorded"
    assert row["day"] == TODAY and row["rate"] == 12650.5
    assert row["created_by_id"] == str(shop.admin.id)
    for headers in (shop.as_admin, shop.as_a, shop.as_b):
        current = assert_ok(client.get("/api/currency-rates/current", headers=headers))
        assert current["rate"] == 12650.5 and current["day"] == TODAY
        assert current["today"] == TODAY and current["is_today"] is True
    audit = assert_ok(
        client.get("/api/audit-logs", params={"entity_id": row["id"]}, headers=shop.as_admin)
    )
    assert [(e["action"], e["entity_type"]) for e in audit] == [("CREATE", "currency_rate")]
    assert audit[0]["changes"]["rate"]["new"] == "12650.5"


def test_a_second_rate_for_the_same_day_is_a_conflict(client, shop):
    first = assert_ok(_record(client, shop.as_admin, 12650), 201)
    body = assert_error(_record(client, shop.as_admin, 12700), 409, "CONFLICT")
    assert body["error"]["details"] == {
        "field": "day",
        "day": TODAY,
        "currency_rate_id": first["id"],
    }
    assert_error(_record(client, shop.as_admin, 12700, day=TODAY), 409, "CONFLICT")
    current = assert_ok(client.get("/api/currency-rates/current", headers=shop.as_a))
    assert current["rate"] == 12650


def test_no_rate_yet_is_a_not_found_with_a_reason(client, shop):
    body = assert_error(
        client.get("/api/currency-rates/current", headers=shop.as_a), 404, "NOT_FOUND"
    )
    assert body["error"]["details"] == {"reason": "NO_RATE", "day": TODAY}
    ru = client.get(
        "/api/currency-rates/current", headers={**shop.as_a, "Accept-Language": "ru"}
    ).json()
    assert ru["error"]["message"] == f"Курс доллара на {TODAY} или раньше не записан"
    assert assert_ok(client.get("/api/currency-rates", headers=shop.as_a)) == []


def test_an_earlier_days_rate_holds_until_a_new_one(client, shop, factory):
    assert_ok(_record(client, shop.as_admin, 12500, day="2026-03-01"), 201)
    assert_ok(_record(client, shop.as_admin, 12600, day="2026-03-05"), 201)
    current = assert_ok(client.get("/api/currency-rates/current", headers=shop.as_b))
    assert current["day"] == "2026-03-05" and current["rate"] == 12600
    assert current["is_today"] is False and current["today"] == TODAY
    # An older day recorded late changes nothing today.
    assert_ok(_record(client, shop.as_admin, 12400, day="2026-02-20"), 201)
    assert assert_ok(client.get("/api/currency-rates/current", headers=shop.as_b))["rate"] == 12600
    # Tomorrow (shop time) the latest rate still holds; recorded then, it is that day's.
    factory.clock.advance(timedelta(days=1))
    as_admin, as_b = auth_headers(client, shop.admin), auth_headers(client, shop.seller_b)
    current = assert_ok(client.get("/api/currency-rates/current", headers=as_b))
    assert current["today"] == "2026-03-11" and current["rate"] == 12600
    assert_ok(_record(client, as_admin, 12655.55), 201)
    current = assert_ok(client.get("/api/currency-rates/current", headers=as_b))
    assert current["day"] == "2026-03-11" and current["rate"] == 12655.55


def test_the_shop_day_is_tashkents(client, shop, factory):
    # 20:00 UTC on 10 March is already 11 March in Tashkent (UTC+5).
    factory.clock.advance(timedelta(hours=15))
    assert assert_ok(_record(client, shop.as_admin, 12700), 201)["day"] == "2026-03-11"


def test_history_is_newest_first_paginated_and_filtered(client, shop, factory):
    for n, day in enumerate(["2026-03-02", "2026-03-09", "2026-03-04"]):
        factory.usd_rate(12000 + n, day=date.fromisoformat(day))
    factory.usd_rate(12100)  # today

    def days(**params):
        return [
            r["day"]
            for r in assert_ok(client.get("/api/currency-rates", params=params, headers=shop.as_a))
        ]

    assert days() == [TODAY, "2026-03-09", "2026-03-04", "2026-03-02"]
    assert days(date_from="2026-03-04") == [TODAY, "2026-03-09", "2026-03-04"]
    assert days(date_to="2026-03-04") == ["2026-03-04", "2026-03-02"]
    assert days(date_from="2026-03-03", date_to="2026-03-09") == ["2026-03-09", "2026-03-04"]
    page = client.get(
        "/api/currency-rates", params={"page": 2, "page_size": 3}, headers=shop.as_admin
    ).json()
    assert page["meta"] == {"page": 2, "page_size": 3, "total": 4}
    assert [r["day"] for r in page["data"]] == ["2026-03-02"]
    error = assert_error(
        client.get(
            "/api/currency-rates",
            params={"date_from": "2026-03-05", "date_to": "2026-03-04"},
            headers=shop.as_admin,
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert [f["field"] for f in error["error"]["details"]["fields"]] == ["date_to"]


def test_sellers_cannot_record_a_rate(client, shop):
    assert_error(_record(client, shop.as_a, 12650), 403, "FORBIDDEN")
    assert_error(_record(client, shop.as_b, 12650, day="2026-03-01"), 403, "FORBIDDEN")
    assert_error(client.get("/api/currency-rates/current"), 401, "UNAUTHORIZED")
    assert assert_ok(client.get("/api/currency-rates", headers=shop.as_admin)) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rate": 0}, "rate"),
        ({"rate": -12650}, "rate"),
        ({"rate": 12650.505}, "rate"),
        ({"rate": "abc"}, "rate"),
        ({"rate": None}, "rate"),
        ({}, "rate"),
        ({"rate": 100000000}, "rate"),
        ({"rate": 12650, "day": "2026-03-11"}, "day"),  # tomorrow
        ({"rate": 12650, "day": "1999-12-31"}, "day"),
        ({"rate": 12650, "day": "10.03.2026"}, "day"),
        ({"rate": 12650, "currency": "EUR"}, "currency"),
    ],
)
def test_bad_rates_are_validation_errors(client, shop, body, field):
    response = client.post("/api/currency-rates", json=body, headers=shop.as_admin)
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert field in [f["field"] for f in error["error"]["details"]["fields"]]
    assert assert_ok(client.get("/api/currency-rates", headers=shop.as_admin)) == []


def test_a_rate_sent_as_a_string_keeps_its_exact_value(client, shop):
    row = assert_ok(_record(client, shop.as_admin, "12650.07"), 201)
    assert row["rate"] == 12650.07


def test_a_day_recorded_by_a_concurrent_request_is_a_conflict_not_a_500(client, shop, monkeypatch):
    first = assert_ok(_record(client, shop.as_admin, 12650), 201)
    real = CurrencyRateRepository.of_day
    calls = []

    def racing(self, day):
        calls.append(day)
        return None if len(calls) == 1 else real(self, day)

    monkeypatch.setattr(CurrencyRateRepository, "of_day", racing)
    body = assert_error(_record(client, shop.as_admin, 12700), 409, "CONFLICT")
    assert len(calls) == 2
    assert body["error"]["details"]["currency_rate_id"] == first["id"]
    [row] = assert_ok(client.get("/api/currency-rates", headers=shop.as_admin))
    assert row["rate"] == 12650
