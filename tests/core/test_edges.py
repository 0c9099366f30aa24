"""Every edge answers with the contract: malformed ids, NUL bytes, nulls, long request lines and
LIKE wildcards typed into a search."""

from __future__ import annotations

import pytest

from tests.factories import TwoBranches, assert_error, assert_ok


@pytest.fixture
def two(client, factory) -> TwoBranches:
    return TwoBranches.build(client, factory)


@pytest.mark.parametrize(
    "path",
    [
        "/api/products/abc",
        "/api/products/bulk-import",
        "/api/sales/12345",
        "/api/customers/not-an-id",
        "/api/debts/x/payments",
        "/api/users/%20",
        "/api/branches/00000000-0000-0000-0000-00000000000g",
    ],
)
def test_a_malformed_id_in_a_path_is_not_found(two, path):
    body = assert_error(two.get("admin", path), 404, "NOT_FOUND")
    assert "UUID" not in body["error"]["message"]


def test_a_malformed_id_is_not_found_for_writes_too(two):
    assert_error(two.put("admin", "/api/products/abc", {"name": "x"}), 404, "NOT_FOUND")
    assert_error(two.delete("admin", "/api/customers/abc"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    "url",
    [
        "/api/customers?q=a%00b",
        "/api/debts?q=a%00b",
        "/api/users?q=a%00b",
        "/api/products?q=a%00b",
        "/api/audit-logs?entity_type=a%00",
        "/api/sales?seller_id=%00",
        "/api/products?a%00=1",
    ],
)
def test_nul_in_a_query_is_a_validation_error(two, url):
    response = two.client.get(url, headers=two.headers["admin"])
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["error"]["details"]["fields"]


def test_nul_in_a_body_text_is_a_validation_error(two):
    body = {"name": "Ali\x00", "phone": "+998 90 123 45 67"}
    assert_error(two.post("admin", "/api/customers", body), 422, "VALIDATION_ERROR")


def test_null_for_a_required_discount_field_is_a_validation_error(two, factory):
    discount = factory.discount(value=10)
    for field in ("is_active", "name", "discount_value", "start_date"):
        body = assert_error(
            two.put("admin", f"/api/discounts/{discount.id}", {field: None}),
            422,
            "VALIDATION_ERROR",
        )
        assert [f["field"] for f in body["error"]["details"]["fields"]] == [field]
    listed = assert_ok(two.get("admin", f"/api/discounts/{discount.id}"))
    assert listed["is_active"] is True


def test_an_over_long_request_line_gets_the_envelope(two):
    response = two.get("admin", "/api/products", note="a" * 20_000)
    body = assert_error(response, 400, "BAD_REQUEST")
    assert body["error"]["details"]["limit_bytes"] < 20_000


def test_a_long_but_allowed_request_line_is_served(two):
    assert_ok(two.client.get("/api/products?page=1&" + "x=1&" * 500, headers=two.headers["admin"]))


@pytest.mark.parametrize("q", ["%", "_", "\\"])
def test_search_wildcards_are_taken_literally_everywhere(two, factory, q):
    factory.customer("Malika Karimova")
    for url in ("/api/users", "/api/customers", "/api/debts", "/api/products"):
        found = assert_ok(two.get("admin", url, q=q))
        assert found == [], url
    collections = assert_ok(two.get("admin", "/api/collections", q=q))
    assert collections == []


def test_user_search_still_finds_by_part_of_a_name(two, factory):
    factory.seller(two.branch_a, username="under_score", full_name="Ali 100% Valiyev")
    names = [u["username"] for u in assert_ok(two.get("admin", "/api/users", q="r_s"))]
    assert names == ["under_score"]
    names = [u["username"] for u in assert_ok(two.get("admin", "/api/users", q="100%"))]
    assert names == ["under_score"]
