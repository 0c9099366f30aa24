"""The frontend-data migration route (director)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from carpet_shop.auth.dependencies import AdminActor
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ok
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.sessions import SessionRoute, WriteSession
from carpet_shop.frontend_data import service
from carpet_shop.frontend_data.schemas import FrontendData, MigrationReport

router = APIRouter(prefix="/api/migrate", route_class=SessionRoute, tags=["import"])


@router.post(
    "/frontend-data",
    response_model=Envelope[MigrationReport],
    responses=errors(
        *AUTHED,
        403,
        s422="VALIDATION_ERROR: details.fields names each problem (entity[id].field); "
        "details.report is the report; nothing was imported",
    ),
    summary="Import the React app's local data: users, branches, products, sales, debts (admin)",
    description="camelCase or snake_case names; see `examples/frontend-data.json`. "
    "`dry_run=true` checks and reports, writing nothing. Running it twice imports nothing "
    "twice (each record's app id is remembered).",
)
def migrate_frontend_data(
    body: FrontendData,
    request: Request,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
    dry_run: Annotated[bool, Query(description="Check and report; write nothing")] = False,
) -> Envelope[MigrationReport]:
    hasher = request.app.state.auth_policy.hasher
    report = service.migrate(session, actor, clock, hasher, body, dry_run=dry_run, tz=settings.tz)
    return ok(report, "Checked (dry run)" if dry_run else "Imported")
