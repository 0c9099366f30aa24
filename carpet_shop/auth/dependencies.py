"""Who may call a route, declared per route as a typed dependency."""

from __future__ import annotations

import hmac
import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from carpet_shop.auth import service as auth_service
from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.auth.schemas import LoginRequest, ResetPasswordRequest
from carpet_shop.auth.service import PasswordCheck
from carpet_shop.core.actor import Actor
from carpet_shop.core.dependencies import AppSettings, Meta, request_meta
from carpet_shop.core.errors import (
    BadRequest,
    Forbidden,
    Unauthorized,
    ValidationFailed,
)
from carpet_shop.core.field_messages import field_message_id
from carpet_shop.core.repository import BranchScope
from carpet_shop.core.sessions import RequestSession, read_first, run_of

# Declared for the docs' Authorize button; the token itself is checked below.
bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/login", auto_error=False)


async def get_auth_policy(request: Request) -> AuthPolicy:
    policy: AuthPolicy = request.app.state.auth_policy
    return policy


Policy = Annotated[AuthPolicy, Depends(get_auth_policy)]


async def get_actor(
    request: Request,
    session: RequestSession,
    token: Annotated[str | None, Depends(bearer)],
) -> Actor:
    # Every authenticated request resolves this, so it reads the app's parts from its state
    # instead of through dependencies of their own (each one FastAPI resolves costs time).
    if not token:
        raise Unauthorized("Sign in first: send 'Authorization: Bearer <access token>'")
    state = request.app.state
    # In the request's session, where it runs (core.sessions): a sale's sign-in check is
    # part of its write, a list's of its read.
    user, session_id = await run_of(session)(
        auth_service.authenticate, session, state.clock, state.auth_policy, token
    )
    # For the request's log line (core.logs).
    request.state.user_id = user.id
    await state.rate_limiter.check_user(user.id)
    return Actor(user=user, meta=request_meta(request), session_id=session_id)


async def require_admin(actor: Annotated[Actor, Depends(get_actor)]) -> Actor:
    if not actor.is_admin:
        raise Forbidden("Only the director (admin) may do this")
    return actor


async def require_product_editor(actor: Annotated[Actor, Depends(get_actor)]) -> Actor:
    """The director, or a seller allowed to add products. Which branch they may touch (their
    own, for a seller) is checked on the product with `actor.scope().check(...)`."""
    if not actor.is_admin and not actor.user.can_add_products:
        raise Forbidden("Only the director or a seller allowed to add products may do this")
    return actor


async def get_branch_scope(
    actor: Annotated[Actor, Depends(get_actor)],
    branch_id: Annotated[
        uuid.UUID | None, Query(description="Only this branch (admins); sellers see their own")
    ] = None,
) -> BranchScope:
    return actor.list_scope(branch_id)


async def require_metrics_reader(
    request: Request,
    session: RequestSession,
    settings: AppSettings,
    token: Annotated[str | None, Depends(bearer)],
) -> None:
    """Prometheus with METRICS_TOKEN (its `bearer_token`), or the director's access token."""
    if not token:
        raise Unauthorized("Send METRICS_TOKEN or a director's access token as a Bearer token")
    if settings.metrics_token is not None and hmac.compare_digest(
        token.encode(), settings.metrics_token.encode()
    ):
        return
    actor = await get_actor(request, session, token)
    if not actor.is_admin:
        raise Forbidden("Metrics are for the director")


CurrentActor = Annotated[Actor, Depends(get_actor)]
AdminActor = Annotated[Actor, Depends(require_admin)]
ProductEditor = Annotated[Actor, Depends(require_product_editor)]
Scope = Annotated[BranchScope, Depends(get_branch_scope)]
MetricsReader = Annotated[None, Depends(require_metrics_reader)]


async def get_login_body(request: Request) -> LoginRequest:
    """JSON for the app; form fields for the docs' Authorize button (OAuth2 password flow)."""
    content_type = request.headers.get("content-type", "")
    raw: Any
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        raw = {
            k: v for k, v in form.items() if k in {"username", "password"} and isinstance(v, str)
        }
    else:
        try:
            raw = json.loads(await request.body() or b"null")
        except ValueError as exc:
            raise BadRequest("The request body is not valid JSON") from exc
    try:
        return LoginRequest.model_validate(raw)
    except ValidationError as exc:
        fields = [
            {"field": ".".join(map(str, e["loc"])) or "body", "message": field_message_id(dict(e))}
            for e in exc.errors()
        ]
        raise ValidationFailed(
            "username and password are required", details={"fields": fields}
        ) from exc


LoginBody = Annotated[LoginRequest, Depends(get_login_body)]


async def check_password_first(
    request: Request, body: LoginBody, policy: Policy, meta: Meta
) -> PasswordCheck | None:
    """The sign-in's password, verified in a read of its own before the route's write
    session is opened (auth.service.check_password)."""
    clock = request.app.state.clock
    return await read_first(
        request, auth_service.check_password, clock, policy, meta, body.username, body.password
    )


CheckedPassword = Annotated[PasswordCheck | None, Depends(check_password_first)]


@dataclass(frozen=True)
class NewPassword:
    """A reset's code and its new password, already hashed."""

    token: str
    password_hash: str


async def hash_new_password(body: ResetPasswordRequest, policy: Policy) -> NewPassword:
    """The reset's new password hashed (Argon2) before the route's write session opens, as a
    sign-in's password is checked before it (check_password_first)."""
    password_hash = await run_in_threadpool(policy.hasher.hash, body.new_password)
    return NewPassword(body.token, password_hash)


HashedNewPassword = Annotated[NewPassword, Depends(hash_new_password)]
