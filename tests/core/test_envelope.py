"""Every answer is an envelope with an X-Request-ID, whatever went wrong."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from tests.factories import assert_error, assert_ok, auth_headers


def test_success_envelope_shape(client, factory):
    director = auth_headers(client, factory.admin())
    response = client.get("/api/auth/me", headers=director)
    body = response.json()
    assert set(body) == {"success", "data", "message", "timestamp"}
    assert body["success"] is True
    assert datetime.fromisoformat(body["timestamp"]).utcoffset() is not None
    assert response.headers["x-request-id"]

    listed = client.get("/api/branches", headers=director).json()
    assert set(listed) == {"success", "data", "message", "timestamp", "meta"}
    assert listed["meta"] == {"page": 1, "page_size": 50, "total": 0}


def test_error_envelope_shape(client):
    body = assert_error(client.get("/api/auth/me"), 401, "UNAUTHORIZED")
    assert set(body) == {"success", "error", "timestamp"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert datetime.fromisoformat(body["timestamp"]).utcoffset() is not None


def test_unknown_route_is_not_found(client):
    assert_error(client.get("/api/nothing-here"), 404, "NOT_FOUND")
    assert_error(client.post("/no/such/path", json={}), 404, "NOT_FOUND")


def test_wrong_method_is_method_not_allowed(client):
    assert_error(client.patch("/api/branches"), 405, "METHOD_NOT_ALLOWED")
    assert_error(client.get("/api/auth/login"), 405, "METHOD_NOT_ALLOWED")


def test_invalid_json_is_bad_request(client, factory):
    director = auth_headers(client, factory.admin())
    for body in (b"{", b'{"name": "x",}', b"\xff\xfe"):
        assert_error(
            client.post(
                "/api/branches",
                content=body,
                headers={**director, "Content-Type": "application/json"},
            ),
            400,
            "BAD_REQUEST",
        )


def test_validation_errors_list_each_field(client, factory):
    director = auth_headers(client, factory.admin())
    body = assert_error(
        client.post(
            "/api/users",
            json={"username": "a", "password": "x", "role": "boss", "extra": 1},
            headers=director,
        ),
        422,
        "VALIDATION_ERROR",
    )
    fields = body["error"]["details"]["fields"]
    assert {f["field"] for f in fields} == {"username", "password", "role", "extra"}
    assert all(set(f) == {"field", "message"} and f["message"] for f in fields)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 201}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "first"}, "page"),
    ],
)
def test_page_parameters_are_bounded(client, factory, params, field):
    director = auth_headers(client, factory.admin())
    body = assert_error(
        client.get("/api/branches", params=params, headers=director), 422, "VALIDATION_ERROR"
    )
    assert [f["field"] for f in body["error"]["details"]["fields"]] == [field]


def test_page_size_200_is_allowed(client, factory):
    director = auth_headers(client, factory.admin())
    response = client.get("/api/branches", params={"page_size": 200}, headers=director)
    assert_ok(response)
    assert response.json()["meta"]["page_size"] == 200


def test_body_over_the_limit_is_payload_too_large(client, factory, settings):
    director = auth_headers(client, factory.admin())
    too_big = b'{"name": "' + b"x" * settings.max_request_bytes + b'"}'
    assert_error(
        client.post(
            "/api/branches",
            content=too_big,
            headers={**director, "Content-Type": "application/json"},
        ),
        413,
        "PAYLOAD_TOO_LARGE",
    )
    assert_ok(client.get("/api/branches", headers=director))


def test_long_strings_are_refused_not_stored(client, factory):
    director = auth_headers(client, factory.admin())
    body = assert_error(
        client.post("/api/branches", json={"name": "Ok", "address": "x" * 5000}, headers=director),
        422,
        "VALIDATION_ERROR",
    )
    assert [f["field"] for f in body["error"]["details"]["fields"]] == ["address"]


def test_unexpected_exception_is_an_internal_error_without_a_trace(app, caplog):
    def explode() -> None:
        raise RuntimeError("secret internals: /etc/passwd line 42")

    app.add_api_route("/api/test-explode", explode, methods=["GET"])
    # The service's logger does not propagate to the root; listen to it directly.
    logging.getLogger("carpet_shop").addHandler(caplog.handler)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/test-explode", headers={"X-Request-ID": "req-abcdef123"})
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert response.headers["x-request-id"] == "req-abcdef123"
    assert body["error"]["details"] == {"request_id": "req-abcdef123"}
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    # The log has the trace, tied to the request id.
    logged = [r for r in caplog.records if r.name == "carpet_shop.errors"]
    assert logged and logged[0].exc_info is not None
    assert logged[0].request_id == "req-abcdef123"


def test_every_response_has_a_request_id_and_a_given_one_is_echoed(client):
    first = client.get("/health")
    second = client.get("/health")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert client.get("/nowhere").headers["x-request-id"]
    echoed = client.get("/health", headers={"X-Request-ID": "mobile-1234567"})
    assert echoed.headers["x-request-id"] == "mobile-1234567"
    # A value that could forge log lines is replaced, not echoed.
    forged = client.get("/health", headers={"X-Request-ID": "x\tinjected line"})
    assert forged.headers["x-request-id"] != "x\tinjected line"


def test_a_chunked_body_over_the_limit_is_payload_too_large(client, factory, settings):
    """Without a Content-Length the limit still holds, counted as the body streams in."""
    director = auth_headers(client, factory.admin())
    chunk = b"x" * 65536

    def body():
        yield b'{"name": "'
        for _ in range(settings.max_request_bytes // len(chunk) + 1):
            yield chunk
        yield b'"}'

    response = client.post(
        "/api/branches",
        content=body(),
        headers={**director, "Content-Type": "application/json"},
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    small = client.post(
        "/api/branches",
        content=iter([b'{"name": ', b'"Chunked"}']),
        headers={**director, "Content-Type": "application/json"},
    )
    assert_ok(small, 201)
