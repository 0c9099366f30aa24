"""Who may call a route, declared per route as a typed dependency."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer

from carpet_shop.auth import service as auth_service
from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.core.actor import Actor
from carpet_shop.core.database import Database
from carpet_shop.core.dependencies import DbSession, request_meta
from carpet_shop.core.errors import Forbidden, Unauthorized
from carpet_shop.core.repository import BranchScope

# Declared for the docs' Authorize button; the token itself is checked below.
bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/login", auto_error=False)


async def get_auth_policy(request: Request) -> AuthPolicy:
    policy: AuthPolicy = request.app.state.auth_policy
    return policy


Policy = Annotated[AuthPolicy, Depends(get_auth_policy)]


async def get_actor(
    request: Request,
    session: DbSession,
    token: Annotated[str | None, Depends(bearer)],
) -> Actor:
    # Every authenticated request resolves this, so it reads the app's parts from its state
    # instead of through dependencies of their own (each one FastAPI resolves costs time).
    if not token:
        raise Unauthorized("Sign in first: send 'Authorization: Bearer <access token>'")
    state = request.app.state
    database: Database = state.database
    user, session_id = await database.run(
        auth_service.authenticate, database, session, state.clock, state.auth_policy, token
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


CurrentActor = Annotated[Actor, Depends(get_actor)]
AdminActor = Annotated[Actor, Depends(require_admin)]
ProductEditor = Annotated[Actor, Depends(require_product_editor)]
Scope = Annotated[BranchScope, Depends(get_branch_scope)]
