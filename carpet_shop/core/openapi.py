"""Error responses declared on routes, so generated clients know every envelope they can get."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from carpet_shop.core.envelope import ErrorEnvelope

_DESCRIPTIONS = {
    400: "BAD_REQUEST: the body is not valid JSON",
    401: "UNAUTHORIZED or TOKEN_EXPIRED: no valid access token",
    403: "FORBIDDEN: role, branch or permission does not allow it",
    404: "NOT_FOUND: no such resource, or it is deleted",
    409: "CONFLICT: a unique value is taken or others depend on it",
    413: "PAYLOAD_TOO_LARGE",
    422: "VALIDATION_ERROR: details.fields lists each field and what is wrong",
    429: "RATE_LIMITED: see Retry-After",
    500: "INTERNAL_ERROR: anything unexpected (details.request_id names it in the log)",
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


def install(app: FastAPI) -> None:
    """Add the envelopes every operation can answer, whatever its route declares.

    A body can be unreadable JSON (400) or too large (413), and anything can fail (500); these
    come from the middleware and handlers, not from the route, so they are added here once.
    """

    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                statuses = [500]
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
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
