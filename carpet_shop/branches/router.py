from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from carpet_shop.auth.dependencies import AdminActor, CurrentActor, Scope
from carpet_shop.branches import service
from carpet_shop.branches.schemas import BranchCreate, BranchRead, BranchUpdate
from carpet_shop.core.dependencies import AppClock
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.errors import Forbidden
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession

router = APIRouter(prefix="/api/branches", tags=["branches"], route_class=SessionRoute)


@router.get(
    "",
    response_model=ListEnvelope[BranchRead],
    responses=errors(*AUTHED, 403),
    summary="Branches; a seller gets their own only",
)
def list_branches(
    actor: CurrentActor,
    scope: Scope,
    session: ReadSession,
    page: Page,
    include_deleted: bool = False,
) -> ListEnvelope[BranchRead]:
    if include_deleted and not actor.is_admin:
        raise Forbidden("Only the director sees deleted branches")
    rows, total = service.list_branches(session, scope, page, include_deleted=include_deleted)
    return page_of([BranchRead.model_validate(b) for b in rows], page, total)


@router.post(
    "",
    response_model=Envelope[BranchRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 409),
)
def create_branch(
    body: BranchCreate, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[BranchRead]:
    return ok(
        BranchRead.model_validate(service.create_branch(session, actor, clock, body)),
        "Branch created",
    )


@router.get(
    "/{branch_id}", response_model=Envelope[BranchRead], responses=errors(*AUTHED, 403, 404)
)
def read_branch(
    branch_id: uuid.UUID, actor: CurrentActor, session: ReadSession
) -> Envelope[BranchRead]:
    return ok(BranchRead.model_validate(service.read_branch(session, actor.scope(), branch_id)))


@router.put(
    "/{branch_id}", response_model=Envelope[BranchRead], responses=errors(*AUTHED, 403, 404, 409)
)
def update_branch(
    branch_id: uuid.UUID,
    body: BranchUpdate,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
) -> Envelope[BranchRead]:
    return ok(
        BranchRead.model_validate(service.update_branch(session, actor, clock, branch_id, body)),
        "Branch updated",
    )


@router.delete(
    "/{branch_id}", response_model=Envelope[None], responses=errors(*AUTHED, 403, 404, 409)
)
def delete_branch(
    branch_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[None]:
    service.delete_branch(session, actor, clock, branch_id)
    return ok(None, "Branch deleted")


@router.post(
    "/{branch_id}/restore",
    response_model=Envelope[BranchRead],
    responses=errors(*AUTHED, 403, 404, 409),
)
def restore_branch(
    branch_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[BranchRead]:
    return ok(
        BranchRead.model_validate(service.restore_branch(session, actor, clock, branch_id)),
        "Branch restored",
    )
