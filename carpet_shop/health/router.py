from __future__ import annotations

from fastapi import APIRouter, Request

from carpet_shop.auth.dependencies import AdminActor
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ok
from carpet_shop.core.openapi import errors
from carpet_shop.core.sessions import ReadSession, SessionRoute
from carpet_shop.health import service
from carpet_shop.health.schemas import DatabaseDetails, DetailedHealth, Health

router = APIRouter(prefix="/health", tags=["health"], route_class=SessionRoute)


@router.get(
    "",
    response_model=Envelope[Health],
    responses={503: errors(401)[401] | {"description": "SERVICE_UNAVAILABLE"}},
)
def health(session: ReadSession, clock: AppClock, settings: AppSettings) -> Envelope[Health]:
    service.check_database(session)
    return ok(
        Health(status="healthy", database=True, version=settings.app_version, timestamp=clock.now())
    )


@router.get("/detailed", response_model=Envelope[DetailedHealth], responses=errors(401, 403))
def detailed(
    request: Request,
    actor: AdminActor,
    session: ReadSession,
    clock: AppClock,
    settings: AppSettings,
) -> Envelope[DetailedHealth]:
    service.check_database(session)
    now = clock.now()
    return ok(
        DetailedHealth(
            status="healthy",
            database=True,
            version=settings.app_version,
            timestamp=now,
            environment=settings.environment,
            uptime_seconds=int((now - request.app.state.started_at).total_seconds()),
            details=DatabaseDetails(**service.database_details(session)),
        )
    )
