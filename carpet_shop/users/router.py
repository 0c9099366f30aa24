from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from carpet_shop.auth import service as auth_service
from carpet_shop.auth.dependencies import AdminActor, CurrentActor, Policy
from carpet_shop.auth.router import token_pair
from carpet_shop.auth.schemas import PasswordChanged, ResetCode
from carpet_shop.core.dependencies import AppClock
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.users import service
from carpet_shop.users.models import Role
from carpet_shop.users.schemas import UserCreate, UserRead, UserUpdate

router = APIRouter(prefix="/api/users", tags=["users"], route_class=SessionRoute)


@router.get("", response_model=ListEnvelope[UserRead], responses=errors(*AUTHED, 403))
def list_users(
    actor: AdminActor,
    session: ReadSession,
    page: Page,
    role: Role | None = None,
    branch_id: uuid.UUID | None = None,
    is_active: bool | None = None,
    q: Annotated[str | None, Query(max_length=50)] = None,
    include_deleted: bool = False,
) -> ListEnvelope[UserRead]:
    rows, total = service.list_users(
        session,
        page,
        include_deleted=include_deleted,
        role=role,
        branch_id=branch_id,
        is_active=is_active,
        q=q,
    )
    return page_of([UserRead.model_validate(u) for u in rows], page, total)


@router.post(
    "",
    response_model=Envelope[UserRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 409),
)
def create_user(
    body: UserCreate, actor: AdminActor, session: WriteSession, clock: AppClock, policy: Policy
) -> Envelope[UserRead]:
    return ok(
        UserRead.model_validate(service.create_user(session, actor, clock, policy.hasher, body)),
        "User created",
    )


@router.get("/{user_id}", response_model=Envelope[UserRead], responses=errors(*AUTHED, 403, 404))
def read_user(user_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> Envelope[UserRead]:
    return ok(UserRead.model_validate(service.read_user(session, actor, user_id)))


@router.put(
    "/{user_id}",
    response_model=Envelope[PasswordChanged | UserRead],
    responses=errors(*AUTHED, 403, 404, 409),
    summary="Change a user; a seller may change only their own full_name and password",
    description="Changing one's own password needs `current_password`; the answer then "
    "carries `tokens`, a fresh pair for the session in use (every other session ends).",
)
def update_user(
    user_id: uuid.UUID,
    body: UserUpdate,
    actor: CurrentActor,
    session: WriteSession,
    clock: AppClock,
    policy: Policy,
) -> Envelope[UserRead]:
    user = service.update_user(session, actor, clock, policy.hasher, user_id, body)
    if service.changes_own_password(actor, user, body) and actor.session_id is not None:
        tokens = auth_service.reissue(session, clock, policy, actor.session_id, user)
        changed = PasswordChanged.model_validate(
            {**UserRead.model_validate(user).model_dump(), "tokens": token_pair(tokens)}
        )
        return ok(changed, "Password changed")
    return ok(UserRead.model_validate(user), "User updated")


@router.delete(
    "/{user_id}", response_model=Envelope[None], responses=errors(*AUTHED, 403, 404, 409)
)
def delete_user(
    user_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[None]:
    service.delete_user(session, actor, clock, user_id)
    return ok(None, "User deleted")


@router.post(
    "/{user_id}/restore",
    response_model=Envelope[UserRead],
    responses=errors(*AUTHED, 403, 404, 409),
)
def restore_user(
    user_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[UserRead]:
    return ok(
        UserRead.model_validate(service.restore_user(session, actor, clock, user_id)),
        "User restored",
    )


@router.post(
    "/{user_id}/unlock", response_model=Envelope[UserRead], responses=errors(*AUTHED, 403, 404)
)
def unlock_user(
    user_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[UserRead]:
    return ok(
        UserRead.model_validate(service.unlock_user(session, actor, clock, user_id)),
        "User unlocked",
    )


@router.post(
    "/{user_id}/reset-code",
    response_model=Envelope[ResetCode],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 404),
    summary="Issue a password reset code to hand over in person (director only)",
    description="For a user without a linked Telegram chat. The code works once, for 15 "
    "minutes, at POST /api/auth/reset-password; earlier codes of the user stop working.",
)
def issue_reset_code(
    user_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[ResetCode]:
    issued = auth_service.issue_reset_code(session, clock, actor, user_id)
    return ok(ResetCode(code=issued.code, expires_at=issued.expires_at), "Reset code issued")
