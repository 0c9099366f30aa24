from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from carpet_shop.auth import service
from carpet_shop.auth.dependencies import (
    AdminActor,
    CheckedPassword,
    CurrentActor,
    HashedNewPassword,
    LoginBody,
    Policy,
)
from carpet_shop.auth.schemas import (
    ForgotPasswordRequest,
    LoginRequest,
    RefreshRequest,
    SessionRead,
    TokenPair,
)
from carpet_shop.core.dependencies import AppClock, Meta
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.i18n import Message
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.users import service as users_service
from carpet_shop.users.schemas import UserCreate, UserRead

router = APIRouter(prefix="/api/auth", tags=["auth"], route_class=SessionRoute)

_LOGIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": LoginRequest.model_json_schema()},
            "application/x-www-form-urlencoded": {"schema": LoginRequest.model_json_schema()},
        },
    }
}


def token_pair(tokens: service.IssuedTokens) -> TokenPair:
    return TokenPair(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.access_expires_in,
        refresh_expires_in=tokens.refresh_expires_in,
        session_id=tokens.session.id,
        user=UserRead.model_validate(tokens.user),
    )


@router.post(
    "/login",
    response_model=Envelope[TokenPair],
    openapi_extra=_LOGIN_BODY,
    responses=errors(
        400, 401, 403, 422, s401="INVALID_CREDENTIALS", s403="ACCOUNT_LOCKED or deactivated"
    ),
    summary="Sign in; other signed-in accounts stay signed in",
)
def login(
    request: Request,
    body: LoginBody,
    # Before the session: the password is verified before the sign-in takes the writers' turn.
    checked: CheckedPassword,
    session: WriteSession,
    clock: AppClock,
    policy: Policy,
    meta: Meta,
) -> Any:
    tokens = service.login(session, clock, policy, meta, body.username, body.password, checked)
    envelope = ok(token_pair(tokens), "Signed in")
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        # The OAuth2 password flow (the docs' Authorize button) reads these at the top level.
        content = envelope.model_dump(mode="json")
        content.update(access_token=tokens.access_token, token_type="bearer")
        return JSONResponse(content)
    return envelope


@router.post("/refresh", response_model=Envelope[TokenPair], responses=errors(*AUTHED))
def refresh(
    body: RefreshRequest, session: WriteSession, clock: AppClock, policy: Policy
) -> Envelope[TokenPair]:
    return ok(
        token_pair(service.refresh(session, clock, policy, body.refresh_token)), "Tokens renewed"
    )


@router.post("/logout", response_model=Envelope[None], responses=errors(*AUTHED))
def logout(
    body: RefreshRequest, session: WriteSession, clock: AppClock, policy: Policy, meta: Meta
) -> Envelope[None]:
    service.logout(session, clock, policy, meta, body.refresh_token)
    return ok(None, "Signed out")


@router.get("/me", response_model=Envelope[UserRead], responses=errors(401))
def me(actor: CurrentActor, session: ReadSession) -> Envelope[UserRead]:
    return ok(UserRead.model_validate(users_service.get_user(session, actor.id)))


@router.post(
    "/register",
    response_model=Envelope[UserRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 409),
    summary="Create a user (admin only); same as POST /api/users",
)
def register(
    body: UserCreate, actor: AdminActor, session: WriteSession, clock: AppClock, policy: Policy
) -> Envelope[UserRead]:
    user = users_service.create_user(session, actor, clock, policy.hasher, body)
    return ok(UserRead.model_validate(user), "User created")


@router.get(
    "/sessions",
    response_model=ListEnvelope[SessionRead],
    responses=errors(*AUTHED),
    summary="My signed-in sessions (devices and account slots), most recently used first",
)
def sessions(
    actor: CurrentActor, session: ReadSession, clock: AppClock, page: Page
) -> ListEnvelope[SessionRead]:
    rows, total = service.list_sessions(session, clock, actor, page)
    return page_of(
        [
            SessionRead.model_validate(s).model_copy(update={"current": s.id == actor.session_id})
            for s in rows
        ],
        page,
        total,
    )


@router.delete(
    "/sessions/{session_id}", response_model=Envelope[None], responses=errors(*AUTHED, 404)
)
def end_session(
    session_id: uuid.UUID, actor: CurrentActor, session: WriteSession, clock: AppClock
) -> Envelope[None]:
    service.end_session(session, clock, actor, session_id)
    return ok(None, "Session ended")


@router.post(
    "/forgot-password",
    response_model=Envelope[None],
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(422, 429),
    summary="Ask for a password reset code: sent to the linked Telegram chat, "
    "otherwise the director issues one",
    description="The same answer whether or not the username exists. The code works once, "
    "for 15 minutes.",
)
def forgot_password(
    body: ForgotPasswordRequest,
    session: WriteSession,
    clock: AppClock,
    policy: Policy,
    meta: Meta,
) -> Envelope[None]:
    service.request_reset(session, clock, policy, meta, body.username)
    return ok(
        None,
        Message(
            "If this account exists, a reset code was sent to its Telegram; "
            "without Telegram, ask the director for one"
        ),
    )


@router.post(
    "/reset-password",
    response_model=Envelope[None],
    responses=errors(400, 422, 429, s400="BAD_REQUEST: the code is invalid, used or expired"),
    summary="Set a new password with a reset code; every session of the user ends",
)
def reset_password(
    new: HashedNewPassword,
    session: WriteSession,
    clock: AppClock,
    policy: Policy,
    meta: Meta,
) -> Envelope[None]:
    service.reset_password(session, clock, policy, meta, new.token, new.password_hash)
    return ok(None, Message("Password changed; sign in with the new one"))
