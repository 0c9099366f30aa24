"""The OpenAPI document, made for client generators (openapi-generator, openapi-typescript).

Routes declare their error envelopes with `errors(...)`; `install` then finishes the document
in one pass: short stable operation ids (`sales_create`), the envelopes every operation can
answer, the response headers (X-Request-ID, Retry-After, Idempotent-Replayed, ETag), request
bodies named as components, a director's variant of a schema shown as the seller's extended
(`allOf`), and an example on every success answer. tests/core/test_generated_clients.py runs
the generators on the result.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from carpet_shop.core.envelope import ErrorEnvelope
from carpet_shop.core.types import TWO_PLACES

_DESCRIPTIONS = {
    400: "BAD_REQUEST: the body is not valid JSON",
    401: "UNAUTHORIZED or TOKEN_EXPIRED: no valid access token",
    403: "FORBIDDEN: role, branch or permission does not allow it",
    404: "NOT_FOUND: no such resource, or it is deleted",
    409: "CONFLICT: a unique value is taken or others depend on it",
    413: "PAYLOAD_TOO_LARGE",
    422: "VALIDATION_ERROR: details.fields lists each field and what is wrong",
    429: "RATE_LIMITED: too many requests a minute from this address or user (settings "
    "RATE_LIMIT_PER_ADDRESS_PER_MINUTE, RATE_LIMIT_PER_USER_PER_MINUTE); Retry-After says "
    "when to try again",
    500: "INTERNAL_ERROR: anything unexpected (details.request_id names it in the log)",
    503: "SERVICE_UNAVAILABLE: see Retry-After",
}


def errors(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the error envelope under each status it can answer."""
    return {
        status: {
            "model": ErrorEnvelope,
            "description": descriptions.get(f"s{status}", _DESCRIPTIONS[status]),
        }
        for status in statuses
    }


AUTHED = (401, 422)

# `openapi_extra=` of a read answered with an ETag and 304 (core.etag).
TAGGED: dict[str, Any] = {"x-etag": True}

HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "description": "Names this request in the service's log; send your own (8-64 of "
        "A-Z a-z 0-9 . _ -) to have it kept",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 0},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the first answer to the same Idempotency-Key, "
        "replayed: nothing was done again",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "ETag": {
        "description": "Tag of this answer; send it back as If-None-Match to get 304 when "
        "nothing changed",
        "schema": {"type": "string"},
    },
}
_WAIT_STATUSES = {"429", "503"}


def operation_id(route: APIRoute) -> str:
    """`<tag>_<action>`: the route function's name without the words naming its tag
    (`create_sale` under `sales` → `sales_create`). Stable while the function keeps its name,
    short, and unique (a test checks)."""
    tag = str(route.tags[0]) if route.tags else "api"
    group = tag.replace("-", "_")
    names = {group, group.removesuffix("s"), group.removesuffix("es")}
    words = [w for w in route.name.split("_") if w and w not in names]
    return "_".join([group, *words]) if words else group


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", name) if part)


def _without_titles(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _without_titles(v) for k, v in schema.items() if k != "title"}
    if isinstance(schema, list):
        return [_without_titles(v) for v in schema]
    return schema


def _name_request_bodies(spec: dict[str, Any]) -> None:
    """Every request body a named component: generators then make one named type for it."""
    schemas = spec["components"]["schemas"]
    renamed: dict[str, str] = {}
    for operations in spec["paths"].values():
        for operation in operations.values():
            body = operation.get("requestBody")
            if not body:
                continue
            for media in body["content"].values():
                schema = media.get("schema", {})
                options = schema.get("anyOf", [])
                if len(options) == 2 and {"type": "null"} in options:
                    # An optional body: the body itself, and not required.
                    media["schema"] = next(o for o in options if o != {"type": "null"})
                    body["required"] = False
                    continue
                ref = schema.get("$ref", "")
                old = ref.rsplit("/", 1)[-1]
                if old.startswith("Body_"):
                    new = renamed.setdefault(old, _pascal(operation["operationId"]) + "Body")
                    media["schema"] = {"$ref": f"#/components/schemas/{new}"}
                elif not ref:
                    bare = _without_titles(schema)
                    same = next((n for n, s in schemas.items() if _without_titles(s) == bare), None)
                    title = schema.get("title", "")
                    name = same or (
                        title
                        if re.fullmatch(r"[A-Z]\w+", title) and title not in schemas
                        else _pascal(operation["operationId"]) + "Body"
                    )
                    schemas.setdefault(name, schema | {"title": name})
                    media["schema"] = {"$ref": f"#/components/schemas/{name}"}
    for old, new in renamed.items():
        schemas[new] = schemas.pop(old) | {"title": new}


def _named_unions(spec: dict[str, Any]) -> None:
    """An envelope's `data` that is one of several schemas (a password change answers its new
    tokens, any other change the user) gets a schema of its own, named after its options:
    left inline, generators name it "Data", and every such union would share that name."""
    schemas = spec["components"]["schemas"]
    for schema in list(schemas.values()):
        data = schema.get("properties", {}).get("data")
        options = data.get("anyOf") if isinstance(data, dict) else None
        refs = [o.get("$ref", "") for o in options] if isinstance(options, list) else []
        if len(refs) < 2 or not all(r.startswith("#/components/schemas/") for r in refs):
            continue
        name = "Or".join(r.rsplit("/", 1)[-1] for r in refs)
        schemas.setdefault(name, {"title": name, "anyOf": options})
        schema["properties"]["data"] = {"$ref": f"#/components/schemas/{name}"}


def _variants(spec: dict[str, Any]) -> None:
    """A director's variant of a schema (ProductAdminRead: a seller's ProductRead plus buy
    prices) shown as that schema extended with `allOf`, so generators make it a subtype; the
    union of the two lists the director's first, the one a client must try first."""
    schemas = spec["components"]["schemas"]

    def props(name: str) -> dict[str, Any]:
        properties: dict[str, Any] = schemas[name].get("properties", {})
        return properties

    pairs: set[tuple[str, str]] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            options = node.get("anyOf")
            refs = [o.get("$ref", "") for o in options] if isinstance(options, list) else []
            if len(refs) == 2 and all(r.startswith("#/components/schemas/") for r in refs):
                a, b = (r.rsplit("/", 1)[-1] for r in refs)
                wide, narrow = (
                    (a, b)
                    if (len(props(a)), "Admin" in a)
                    > (
                        len(props(b)),
                        "Admin" in b,
                    )
                    else (b, a)
                )
                if set(props(narrow)) <= set(props(wide)) and "Admin" in wide:
                    pairs.add((wide, narrow))
                    node.clear()
                    node["$ref"] = f"#/components/schemas/Any{narrow}"
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(spec["paths"])
    visit(schemas)
    for wide, narrow in pairs:
        schemas[f"Any{narrow}"] = {
            "title": f"Any{narrow}",
            "description": f"{wide} for the director, {narrow} for a seller ({wide} extends "
            "it with what only the director sees)",
            "anyOf": [
                {"$ref": f"#/components/schemas/{wide}"},
                {"$ref": f"#/components/schemas/{narrow}"},
            ],
        }
        schema = schemas[wide]
        if "allOf" in schema:
            continue
        extra = {k: v for k, v in props(wide).items() if k not in props(narrow)}
        changed = {
            k: v for k, v in props(wide).items() if k in props(narrow) and v != props(narrow)[k]
        }
        own = extra | changed
        required = [r for r in schema.get("required", []) if r in own]
        part: dict[str, Any] = {"type": "object", "properties": own}
        if required:
            part["required"] = required
        schemas[wide] = {
            "title": schema.get("title", wide),
            "description": schema.get("description", f"{narrow} as the director sees it"),
            "allOf": [{"$ref": f"#/components/schemas/{narrow}"}, part],
        }


_SAMPLE_STRINGS = {
    "uuid": "0190a6f2-7c1e-7a3b-9f00-4c2d8e1a5b6c",
    "date-time": "2026-03-10T10:00:00+05:00",
    "date": "2026-03-10",
    "uri": "/uploads/products/lara.jpg",
    "email": "director@example.uz",
}
_SAMPLE_NAMES = {
    "username": "seller1",
    "full_name": "Aziz Karimov",
    "name": "Lara bej",
    "size": "2×3",
    "code": "CH",
    "receipt_number": "CH-000123",
    "customer_name": "Dilnoza Yusupova",
    "customer_phone": "+998901234567",
    "phone": "+998901234567",
    "message": "OK",
    "token_type": "bearer",
    "collection": "Lara",
    "category": "Gilamlar",
}


def _example(
    schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0, name: str = ""
) -> Any:
    """A plausible value for `schema`, for the docs and for mock servers."""
    if depth > 8:
        return None
    if "example" in schema:
        return schema["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    if "const" in schema:
        return schema["const"]
    if "$ref" in schema:
        return _example(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas, depth + 1, name)
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("allOf",):
        if key in schema:
            merged: dict[str, Any] = {}
            for part in schema[key]:
                value = _example(part, schemas, depth + 1, name)
                if isinstance(value, dict):
                    merged |= value
            return merged
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return _example(options[0], schemas, depth + 1, name)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            prop: _example(sub, schemas, depth + 1, prop)
            for prop, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [_example(schema.get("items", {}), schemas, depth + 1, name)]
    if kind == "string":
        return _SAMPLE_STRINGS.get(schema.get("format", ""), _SAMPLE_NAMES.get(name, "string"))
    if kind == "number":
        return 150000.5 if schema.get("format") == "decimal" else 1.5
    if kind == "integer":
        return 1
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return None


def _headers_and_examples(spec: dict[str, Any]) -> None:
    components = spec["components"]
    components["headers"] = copy.deepcopy(HEADERS)
    schemas = components["schemas"]

    def header(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/headers/{name}"}

    for operations in spec["paths"].values():
        for operation in operations.values():
            idempotent = any(
                p.get("in") == "header" and p["name"].lower() == "idempotency-key"
                for p in operation.get("parameters", [])
            )
            tagged = operation.pop("x-etag", False)
            if tagged:
                operation["responses"].setdefault(
                    "304",
                    {"description": "Not Modified: the If-None-Match tag is still current"},
                )
            for status, response in operation["responses"].items():
                headers = response.setdefault("headers", {})
                headers["X-Request-ID"] = header("X-Request-ID")
                if status in _WAIT_STATUSES:
                    headers["Retry-After"] = header("Retry-After")
                if idempotent and status.startswith("2"):
                    headers["Idempotent-Replayed"] = header("Idempotent-Replayed")
                if tagged and status in {"200", "304"}:
                    headers["ETag"] = header("ETag")
                if not status.startswith("2"):
                    continue
                for media in response.get("content", {}).values():
                    if "example" not in media and "examples" not in media:
                        media["example"] = _example(media.get("schema", {}), schemas)


def _decimals_as_numbers(node: Any) -> None:
    """A decimal Pydantic also accepts as a string (`number | string`) shown as the number it
    is, exact to two places like money (core.types.TWO_PLACES)."""
    if isinstance(node, dict):
        options = node.get("anyOf")
        if isinstance(options, list):
            kinds = [o.get("type") for o in options]
            if "number" in kinds and ("string" in kinds or "integer" in kinds):
                number = next(o for o in options if o.get("type") == "number")
                kept = [TWO_PLACES | number] + [o for o in options if o.get("type") == "null"]
                node.pop("anyOf")
                if len(kept) == 1:
                    node.update(kept[0])
                else:
                    node["anyOf"] = kept
        for value in node.values():
            _decimals_as_numbers(value)
    elif isinstance(node, list):
        for value in node:
            _decimals_as_numbers(value)


def _no_bare_null_properties(schemas: dict[str, Any]) -> None:
    """`data` of an answer that carries none: generators have no type for a bare `null`."""
    for schema in schemas.values():
        for name, prop in schema.get("properties", {}).items():
            if prop.get("type") == "null":
                schema["properties"][name] = {
                    "title": prop.get("title", name),
                    "description": "Always null: this answer carries no data",
                    "x-always-null": True,
                }


def _one_idempotency_key_spelling(spec: dict[str, Any]) -> None:
    for operations in spec["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header" and parameter["name"].lower() == (
                    "idempotency-key"
                ):
                    parameter["name"] = "Idempotency-Key"


def _with_errors(spec: dict[str, Any]) -> None:
    """The envelopes every operation can answer, whatever its route declares: a body can be
    unreadable JSON (400) or too large (413), and anything can fail (500); these come from the
    middleware and handlers, not from the route."""
    ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            statuses = [429, 500]
            if "requestBody" in operation:
                statuses += [400, 413]
            for status in statuses:
                responses.setdefault(
                    str(status),
                    {
                        "description": _DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
            # The general rate limits (core.rate_limits) apply to every operation.
            responses["429"].setdefault("headers", {})["Retry-After"] = {
                "description": "Seconds until the client may try again",
                "schema": {"type": "integer"},
            }


def install(app: FastAPI, plain: Mapping[str, dict[str, Any]] | None = None) -> None:
    """Finish the document once, the first time it is asked for. `plain`: the operations of
    plain routes, by path (they hold no session, so they are no API routes, see
    core.sessions), written as FastAPI would, and finished like the others."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = build()
        spec["paths"].update(copy.deepcopy(dict(plain or {})))
        spec["info"]["license"] = {"name": "MIT", "identifier": "MIT"}
        _with_errors(spec)
        _one_idempotency_key_spelling(spec)
        _decimals_as_numbers(spec)
        _no_bare_null_properties(spec["components"]["schemas"])
        _name_request_bodies(spec)
        _variants(spec)
        _named_unions(spec)
        _headers_and_examples(spec)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
