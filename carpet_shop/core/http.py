"""Request ids, access logging, body limits and the single place errors become envelopes."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carpet_shop.core import i18n, metrics
from carpet_shop.core.envelope import error_envelope
from carpet_shop.core.errors import AppError, RateLimited
from carpet_shop.core.field_messages import field_message
from carpet_shop.core.i18n import translate
from carpet_shop.core.logs import RequestLog, current_request

access_log = logging.getLogger("carpet_shop.access")
error_log = logging.getLogger("carpet_shop.errors")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# The path and query string together. Servers refuse far longer request lines themselves, in
# plain text (uvicorn's limit is tens of kilobytes); below that the service answers first, in
# the envelope. No route needs more: the longest filters are a few ids.
MAX_TARGET_BYTES = 8192
_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
}


class _BodyTooLarge(StarletteHTTPException):
    """Raised while reading a streamed body past the limit.

    An HTTPException, so that FastAPI's body parsing lets it through instead of turning it
    into a 400; the middleware (or the HTTP error handler) answers 413.
    """

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="The request body is too large")


def route_template(scope: Scope) -> str:
    """The matched route's path template (`/api/products/{product_id}`), so that logs and
    metrics group by endpoint; paths that matched nothing are one group."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    if str(scope.get("path", "")).startswith("/uploads/"):
        return "/uploads"
    return "unmatched"


class RequestContextMiddleware:
    """Outermost layer: gives every request an id, logs it, and turns crashes into a 500 envelope.

    It catches unexpected exceptions itself (rather than leaving them to Starlette's
    ServerErrorMiddleware) so that the 500 answer also carries X-Request-ID.
    """

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, default_language: str = i18n.DEFAULT_LANGUAGE
    ):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.default_language = default_language

    def _too_large(self) -> JSONResponse:
        body = error_envelope(
            "PAYLOAD_TOO_LARGE",
            translate(
                i18n.Message(
                    "The request body is larger than {limit} bytes", limit=self.max_body_bytes
                )
            ),
            {"limit_bytes": self.max_body_bytes},
        )
        return JSONResponse(body, status_code=413)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        entry = RequestLog(request_id=request_id, method=scope["method"], path=scope["path"])
        token = current_request.set(entry)
        # The language of every message of this answer (CONTRACT.md "Languages").
        language = i18n.negotiate(
            headers.get(b"accept-language", b"").decode("latin-1") or None, self.default_language
        )
        language_token = i18n.use(language)
        content_language = language.encode()
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                    (b"content-language", content_language),
                ]
            await send(message)

        received = 0

        async def receive_limited() -> Message:
            # A body without Content-Length (chunked) is counted as it streams in.
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLarge
            return message

        try:
            refused = _refused_target(scope)
            if refused is not None:
                await refused(scope, receive, send_with_id)
                return
            length = headers.get(b"content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
                await self._too_large()(scope, receive, send_with_id)
                return
            await self.app(scope, receive_limited, send_with_id)
        except _BodyTooLarge:
            if not response_started:
                await self._too_large()(scope, receive, send_with_id)
        except Exception:
            error_log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not response_started:
                body = error_envelope(
                    "INTERNAL_ERROR",
                    translate("An unexpected error occurred"),
                    {"request_id": request_id},
                )
                await JSONResponse(body, status_code=500)(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            duration_ms = round(elapsed * 1000, 1)
            entry.route = route_template(scope)
            metrics.REQUESTS.labels(scope["method"], entry.route, str(status)).inc()
            metrics.LATENCY.labels(scope["method"], entry.route).observe(elapsed)
            if status < 400:
                for count in entry.on_success:
                    count()
            user_id = scope.get("state", {}).get("user_id")
            entry.user_id = str(user_id) if user_id is not None else None
            access_log.info(
                "%s %s %s %.1fms",
                scope["method"],
                scope["path"],
                status,
                duration_ms,
                extra={"status": status, "duration_ms": duration_ms},
            )
            current_request.reset(token)
            i18n.reset(language_token)


def _refused_target(scope: Scope) -> JSONResponse | None:
    """An answer for a request line the routes must never see: over the limit, or with a NUL
    character in the query string (PostgreSQL cannot compare text holding one)."""
    raw_path = scope.get("raw_path") or scope.get("path", "").encode()
    query = scope.get("query_string") or b""
    if len(raw_path) + len(query) > MAX_TARGET_BYTES:
        body = error_envelope(
            "BAD_REQUEST",
            f"The request line is longer than {MAX_TARGET_BYTES} bytes",
            {"limit_bytes": MAX_TARGET_BYTES},
        )
        return JSONResponse(body, status_code=400)
    if b"%00" not in query and b"\x00" not in query:
        return None
    fields = [
        {"field": name.replace("\x00", "\\0"), "message": "must not contain NUL characters"}
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        if "\x00" in name or "\x00" in value
    ]
    if not fields:
        return None
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:3])
    return JSONResponse(
        error_envelope("VALIDATION_ERROR", summary, {"fields": fields}), status_code=422
    )


def _field_name(loc: tuple[Any, ...]) -> str:
    # ("body", "items", 0, "quantity") -> "items.0.quantity"; query and path keep their name.
    parts = (
        [str(p) for p in loc[1:]]
        if loc and loc[0] in {"body", "query", "path", "header", "form"}
        else [str(p) for p in loc]
    )
    return ".".join(parts) or str(loc[0] if loc else "body")


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    headers = (
        {"Retry-After": str(exc.retry_after_seconds)} if isinstance(exc, RateLimited) else None
    )
    return JSONResponse(
        error_envelope(exc.code, translate(exc.message), _said_fields(exc.details)),
        status_code=exc.status_code,
        headers=headers,
    )


def _said_fields(details: dict[str, Any]) -> dict[str, Any]:
    """details.fields with each message in the client's language."""
    fields = details.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        return details
    said = [
        {**f, "message": translate(f["message"])} if isinstance(f.get("message"), str) else f
        for f in fields
    ]
    return {**details, "fields": said}


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(tuple(err.get("loc", ()))[:1] == ("path",) for err in errors):
        # Path parameters are ids: one that cannot be an id names nothing that exists.
        return JSONResponse(error_envelope("NOT_FOUND", "Not found"), status_code=404)
    if any(err.get("type") == "json_invalid" for err in errors):
        return JSONResponse(
            error_envelope("BAD_REQUEST", translate("The request body is not valid JSON")),
            status_code=400,
        )
    fields = [
        {"field": _field_name(tuple(err.get("loc", ()))), "message": field_message(dict(err))}
        for err in errors
    ]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:3])
    return JSONResponse(
        error_envelope(
            "VALIDATION_ERROR", summary or translate("The request is not valid"), {"fields": fields}
        ),
        status_code=422,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(
        exc.status_code, "INTERNAL_ERROR" if exc.status_code >= 500 else "BAD_REQUEST"
    )
    if exc.status_code == 404:
        message = translate("Not found")
    elif exc.status_code == 405:
        message = translate(
            i18n.Message("Method {method} is not allowed here", method=request.method)
        )
    else:
        message = translate(exc.detail) if isinstance(exc.detail, str) else json.dumps(exc.detail)
    return JSONResponse(
        error_envelope(code, message),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


# A unique or foreign key violation the services' own checks could not see coming: two
# requests that each found the value free and wrote it at the same time (PostgreSQL runs
# writers concurrently). The one that lost gets the contract's 409, like a sequential request.
_CONFLICT_SQLSTATES = frozenset({"23505", "23503"})  # unique_violation, foreign_key_violation
_CONFLICT_SQLITE_ERRORS = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_FOREIGNKEY"})


def _is_conflict(exc: IntegrityError) -> bool:
    orig = exc.orig
    return (
        getattr(orig, "sqlstate", None) in _CONFLICT_SQLSTATES
        or getattr(orig, "sqlite_errorname", None) in _CONFLICT_SQLITE_ERRORS
    )


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IntegrityError)
    if not _is_conflict(exc):
        raise exc  # a broken invariant, not a race: the 500 path logs it
    error_log.warning(
        "concurrent write conflict on %s %s: %s", request.method, request.url.path, exc.orig
    )
    return JSONResponse(
        error_envelope(
            "CONFLICT",
            translate("This conflicts with a change saved at the same moment; reload and retry"),
        ),
        status_code=409,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
