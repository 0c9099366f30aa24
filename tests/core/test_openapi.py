"""The published schema matches what the server sends, so generated clients can rely on it."""

from __future__ import annotations

import re
from typing import Any

from carpet_shop.core.errors import AppError, ErrorCode

ERROR_REF = "#/components/schemas/ErrorEnvelope"


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    ]


def _schema_ref(response: dict[str, Any]) -> str | None:
    ref: str | None = (
        response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
    )
    return ref


def test_openapi_builds_with_tags(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"]
    assert {t["name"] for t in spec["tags"]} >= {"auth", "users", "branches", "audit", "health"}
    assert client.get("/docs").status_code == 200


def test_every_api_operation_declares_its_success_and_error_envelopes(client):
    spec = client.get("/openapi.json").json()
    api = [op for op in _operations(spec) if op[1].startswith("/api")]
    assert len(api) >= 20
    assert sum(1 for _, _, op in api if op.get("security")) >= 15
    for method, path, operation in api:
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert success, (method, path)
        for code in success:
            if "application/json" not in responses[code].get("content", {}):
                continue  # a file (a printed receipt) or a live stream of events (SSE)
            ref = _schema_ref(responses[code])
            assert ref and "Envelope" in ref, (method, path, code)
            # A list always comes with its page meta (CONTRACT.md).
            assert not ref.split("/")[-1].startswith("Envelope_list"), (method, path, code)
        errors = {code: r for code, r in responses.items() if code[0] in "45"}
        assert errors, (method, path)
        for code, response in errors.items():
            # Never FastAPI's default HTTPValidationError: a 422 is an envelope too.
            assert _schema_ref(response) == ERROR_REF, (method, path, code)
        assert "500" in errors, (method, path)
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= set(errors), (method, path)
        if operation.get("security"):
            assert "401" in errors, (method, path)


def test_login_declares_what_a_failed_login_answers(client):
    spec = client.get("/openapi.json").json()
    login = spec["paths"]["/api/auth/login"]["post"]
    assert {"200", "400", "401", "403", "422"} <= set(login["responses"])
    assert "application/x-www-form-urlencoded" in login["requestBody"]["content"]


def test_error_envelope_schema_matches_the_contract(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    envelope = schemas["ErrorEnvelope"]
    assert set(envelope["properties"]) == {"success", "error", "timestamp"}
    body = schemas["ErrorBody"]
    assert set(body["properties"]) == {"code", "message", "details"}


def test_user_schema_has_no_password(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    user = schemas["UserRead"]["properties"]
    assert not any("password" in name or "hash" in name for name in user)


def _all_nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _all_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _all_nodes(value)


def test_operation_ids_are_short_stable_and_unique(client):
    spec = client.get("/openapi.json").json()
    ids = {path + " " + method: op["operationId"] for method, path, op in _operations(spec)}
    assert len(set(ids.values())) == len(ids)
    for operation_id in ids.values():
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", operation_id), operation_id
        assert len(operation_id) <= 32, operation_id
    assert ids["/api/sales POST"] == "sales_create"
    assert ids["/api/debts/{debt_id}/payments POST"] == "debts_record_payment"
    assert ids["/api/products/{product_id} GET"] == "products_read"


def test_the_license_is_named_by_its_spdx_identifier(client):
    assert client.get("/openapi.json").json()["info"]["license"] == {
        "name": "MIT",
        "identifier": "MIT",
    }


def test_money_and_lengths_are_plain_numbers_with_two_places(client):
    spec = client.get("/openapi.json").json()
    for node in _all_nodes(spec):
        kinds = [o.get("type") for o in node.get("anyOf", [])]
        assert not ("number" in kinds and ({"integer", "string"} & set(kinds))), node
    product = spec["components"]["schemas"]["ProductRead"]["properties"]
    price = product["sell_price"]
    number = next(o for o in price.get("anyOf", [price]) if o.get("type") == "number")
    assert (number["format"], number["x-fraction-digits"]) == ("decimal", 2)
    sale = spec["components"]["schemas"]["SaleCreate"]["properties"]
    assert {o.get("type") for o in sale["amount"]["anyOf"]} == {"number", "null"}


def test_error_code_is_the_enum_of_the_contract_codes(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    code = schemas["ErrorBody"]["properties"]["code"]
    enum = schemas[code["$ref"].rsplit("/", 1)[-1]]["enum"]
    assert set(enum) == {c.value for c in ErrorCode}
    raised = {cls.code for cls in _subclasses(AppError)}
    assert raised <= set(enum), raised - set(enum)
    assert {"VALIDATION_ERROR", "INSUFFICIENT_STOCK", "RATE_LIMITED", "INTERNAL_ERROR"} <= set(enum)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_response_headers_are_documented(client):
    spec = client.get("/openapi.json").json()
    assert set(spec["components"]["headers"]) >= {
        "X-Request-ID",
        "Retry-After",
        "Idempotent-Replayed",
        "ETag",
    }
    for method, path, operation in _operations(spec):
        for status, response in operation["responses"].items():
            headers = response.get("headers", {})
            assert "X-Request-ID" in headers, (method, path, status)
            if status == "429":
                assert "Retry-After" in headers, (method, path)
    sale = spec["paths"]["/api/sales"]["post"]["responses"]["201"]["headers"]
    payment = spec["paths"]["/api/debts/{debt_id}/payments"]["post"]["responses"]
    assert "Idempotent-Replayed" in sale
    assert (
        "Idempotent-Replayed" in next(r for s, r in payment.items() if s.startswith("2"))["headers"]
    )
    product = spec["paths"]["/api/products/{product_id}"]["get"]["responses"]
    assert "ETag" in product["200"]["headers"]
    assert "304" in product


def test_idempotency_key_is_spelled_one_way(client):
    spec = client.get("/openapi.json").json()
    names = {
        parameter["name"]
        for _, _, operation in _operations(spec)
        for parameter in operation.get("parameters", [])
        if parameter["name"].lower() == "idempotency-key"
    }
    assert names == {"Idempotency-Key"}


def test_every_request_body_is_a_named_schema(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for method, path, operation in _operations(spec):
        for media in operation.get("requestBody", {}).get("content", {}).values():
            ref = media["schema"].get("$ref", "")
            assert ref.startswith("#/components/schemas/"), (method, path)
            name = ref.rsplit("/", 1)[-1]
            assert name in schemas and not name.startswith("Body_"), (method, path, name)
    login = spec["paths"]["/api/auth/login"]["post"]["requestBody"]["content"]
    assert login["application/json"]["schema"]["$ref"].endswith("/LoginRequest")


def test_the_director_variant_extends_the_seller_variant(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for wide, narrow in [("ProductAdminRead", "ProductRead"), ("SaleAdminRead", "SaleRead")]:
        assert schemas[wide]["allOf"][0] == {"$ref": f"#/components/schemas/{narrow}"}
        union = schemas[f"Any{narrow}"]["anyOf"]
        assert [o["$ref"].rsplit("/", 1)[-1] for o in union] == [wide, narrow]
    assert "buy_price" in schemas["ProductAdminRead"]["allOf"][1]["properties"]
    assert "buy_price" not in schemas["ProductRead"]["properties"]


def test_every_success_answer_has_an_example(client):
    spec = client.get("/openapi.json").json()
    for method, path, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            for media in response.get("content", {}).values():
                assert media.get("example") is not None or media.get("examples"), (
                    method,
                    path,
                    status,
                )
    sale = spec["paths"]["/api/sales"]["post"]["responses"]["201"]["content"]
    example = sale["application/json"]["example"]
    assert example["success"] is True
    assert example["data"]["receipt_number"] == "CH-000123"
