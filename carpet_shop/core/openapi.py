"""Error responses declared on routes, so generated clients know every envelope they can get."""

from __future__ import annotations

from typing import Any

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
