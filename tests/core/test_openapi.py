"""The published schema matches what the server sends, so generated clients can rely on it."""

from __future__ import annotations

from typing import Any

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
