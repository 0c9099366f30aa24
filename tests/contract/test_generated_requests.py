"""Generated requests against every route, as the director and as a seller, on both databases:
whatever the body and parameters, the answer is the contract's envelope (or a report file),
carries X-Request-ID, and is never a 500.

Bodies and parameters come from the route's own OpenAPI schema (`_from_schema`, a small
Hypothesis strategy for the JSON Schema keywords FastAPI writes), mixed with values a schema
does not expect: malformed ids, NUL bytes, nulls, extreme dates. Path ids
are random, malformed, or those of the shop's real objects, so writes reach real rows too.

Kept within CI's time: one app and database for all routes; a few examples per route and role
(EXAMPLES, fewer on PostgreSQL), drawn from a seed of the route, role and database, so each
database gets examples of its own and a run is repeatable; no shrinking (a failure is reported
as generated, with the request and answer, instead of costing hundreds of requests to shrink),
and every failing route is reported, not only the first.
"""

from __future__ import annotations

import copy
import zlib
from datetime import UTC
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as examples
from hypothesis import strategies as st

from carpet_shop.core.config import Settings
from tests.factories import auth_headers
from tests.shop import make_shop

# Examples per route and role on each database: together they try more than either alone.
EXAMPLES = {"sqlite": 4, "postgresql": 2}
CODES = {
    400: {"BAD_REQUEST"},
    401: {"UNAUTHORIZED", "TOKEN_EXPIRED", "INVALID_CREDENTIALS"},
    403: {"FORBIDDEN", "ACCOUNT_LOCKED"},
    404: {"NOT_FOUND"},
    405: {"METHOD_NOT_ALLOWED"},
    409: {"CONFLICT", "INSUFFICIENT_STOCK"},
    413: {"PAYLOAD_TOO_LARGE"},
    422: {"VALIDATION_ERROR", "PAYMENT_EXCEEDS_REMAINING", "PRICE_BELOW_COST"},
    429: {"RATE_LIMITED"},
}
# Signing out ends the session the rest of the run signs in with; uploads are multipart.
SKIPPED = {("POST", "/api/auth/logout"), ("POST", "/api/upload/product-photo")}
ODD_TEXT = st.sampled_from(
    ["", "abc", "a\x00b", "%", "_", "0001-01-01", "9999-12-31T23:59:59+14:00", "-1", "1e309"]
)


def _inlined(schema: Any, components: dict[str, Any], depth: int = 0) -> Any:
    if isinstance(schema, list):
        return [_inlined(s, components, depth) for s in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if depth > 6:
            return {}
        target = copy.deepcopy(components[ref.rsplit("/", 1)[-1]])
        return _inlined(target, components, depth + 1)
    return {
        k: _inlined(v, components, depth)
        for k, v in schema.items()
        if k not in {"examples", "example", "discriminator"}
    }


def _streams(op: dict[str, Any]) -> bool:
    # A live stream never ends while it is allowed: the notifications' stream has its own
    # tests (tests/notifications/test_live.py), refusals and resumes included.
    return "text/event-stream" in op.get("responses", {}).get("200", {}).get("content", {})


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    ops = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if (method.upper(), path) not in SKIPPED and not _streams(op):
                ops.append((method.upper(), path, op))
    return ops


def _from_schema(schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of a JSON Schema (as FastAPI writes them), mostly valid, sometimes not."""
    if not isinstance(schema, dict) or depth > 5:
        return st.none()
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([_from_schema(s, depth + 1) for s in schema[key]])
    if "allOf" in schema:
        return _from_schema(schema["allOf"][0], depth + 1)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "uuid":
            return st.uuids().map(str)
        if fmt == "date":
            return st.dates().map(lambda d: d.isoformat())
        if fmt == "date-time":
            return st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat())
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(lambda t: len(t) < 60)
        low = schema.get("minLength", 0)
        return st.text(min_size=low, max_size=max(low, min(schema.get("maxLength", 40), 40)))
    if kind == "integer":
        return st.integers(schema.get("minimum", -(10**6)), schema.get("maximum", 10**7))
    if kind == "number":
        return st.one_of(st.integers(-1000, 10**9), st.decimals(-1000, 10**9, places=2).map(float))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(_from_schema(schema.get("items", {}), depth + 1), max_size=3)
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries(
            {k: _from_schema(v, depth + 1) for k, v in properties.items() if k in required},
            optional={
                k: _from_schema(v, depth + 1) for k, v in properties.items() if k not in required
            },
        )
    return st.one_of(st.none(), st.integers(), st.text(max_size=10))


def _value(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    return st.one_of(_from_schema(schema), ODD_TEXT)


def _request(op: dict[str, Any], components: dict[str, Any], ids: list[str]):
    path_params: dict[str, st.SearchStrategy[Any]] = {}
    query: dict[str, st.SearchStrategy[Any]] = {}
    for param in op.get("parameters", []):
        schema = _inlined(param.get("schema", {}), components)
        if param["in"] == "path":
            path_params[param["name"]] = st.one_of(
                st.sampled_from(ids), st.uuids().map(str), ODD_TEXT.filter(bool)
            )
        elif param["in"] == "query":
            query[param["name"]] = _value(schema)
    body_schema = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    body: st.SearchStrategy[Any] = st.none()
    if "schema" in body_schema:
        schema = _inlined(body_schema["schema"], components)
        body = st.one_of(
            _value(schema), st.dictionaries(st.sampled_from(["id", "name", "date"]), ODD_TEXT)
        )
    return st.fixed_dictionaries(
        {
            "path": st.fixed_dictionaries(path_params),
            "query": st.fixed_dictionaries({}, optional=query),
            "body": body,
        }
    )


def _check(method: str, url: str, response: Any) -> None:
    where = f"{method} {url} -> {response.status_code}: {response.text[:300]}"
    assert response.status_code < 500, where
    assert response.headers.get("x-request-id"), where
    kind = response.headers.get("content-type", "")
    if not kind.startswith("application/json"):
        # Reports as files (csv, xlsx) and the health probes' plain answers.
        assert response.status_code == 200, where
        return
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("success"), bool), where
    assert "timestamp" in body, where
    if body["success"]:
        assert response.status_code < 400 and "data" in body, where
    else:
        assert body["error"]["code"] in CODES.get(response.status_code, set()), where
        assert isinstance(body["error"]["message"], str), where
        assert isinstance(body["error"]["details"], dict), where


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The run sends a few thousand requests from one address while the test clock stands
    still (one rate-limit minute): rate limits are not what it is about."""
    return settings.model_copy(
        update={"rate_limit_per_user_per_minute": 0, "rate_limit_per_address_per_minute": 0}
    )


def test_every_route_answers_the_contract_for_generated_requests(client, factory, app, backend):
    shop = make_shop(factory, client)
    product = factory.product(shop.branch, stock=5)
    sale = factory.sale(shop.seller, (product, 1, 150_000)).sale
    customer = factory.customer()
    ids = [str(x) for x in (product.id, sale.id, customer.id, shop.seller.id, shop.branch.id)]
    spec = app.openapi()
    components = spec.get("components", {}).get("schemas", {})
    roles = {"admin": shop.admin_h, "seller": shop.seller_h}
    operations = _operations(spec)
    assert len(operations) > 50, "the OpenAPI document lost its routes"

    failures: list[str] = []
    for method, path, op in operations:
        for role, headers in roles.items():
            strategy = _request(op, components, ids)
            try:
                _try(client, method, path, headers, strategy, backend.name, role)
            except Exception as exc:  # every failing route is reported below
                failures.append(f"{method} {path} as {role}: {type(exc).__name__}: {exc}")
        # A generated request may have ended a session (a password reset, a deactivation):
        # sign in again so the next routes are tried as a signed-in user.
        if client.get("/api/auth/me", headers=roles["admin"]).status_code != 200:
            roles["admin"] = auth_headers(client, shop.admin)
        if client.get("/api/auth/me", headers=roles["seller"]).status_code != 200:
            try:
                roles["seller"] = auth_headers(client, shop.seller)
            except AssertionError:
                roles["seller"] = auth_headers(client, factory.seller(shop.branch))
    assert not failures, "\n\n".join(failures)


def _try(
    client, method: str, path: str, headers: dict[str, str], strategy, database: str, role: str
) -> None:
    @seed(zlib.crc32(f"{database} {role} {method} {path}".encode()))
    @examples(
        max_examples=EXAMPLES[database],
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(request=strategy)
    def answers_the_contract(request: dict[str, Any]) -> None:
        url = path.format(**{k: quote(str(v), safe="") for k, v in request["path"].items()})
        response = client.request(
            method, url, params=request["query"], json=request["body"], headers=headers
        )
        _check(method, url, response)

    answers_the_contract()
