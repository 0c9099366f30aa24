from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from carpet_shop.auth.dependencies import CurrentActor, Scope
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ok
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.schemas import NO_NUL
from carpet_shop.core.sessions import ReadSession, SessionRoute
from carpet_shop.search import service
from carpet_shop.search.hits import SearchContext
from carpet_shop.search.registry import SEARCHABLE
from carpet_shop.search.schemas import SearchResults

router = APIRouter(prefix="/api/search", tags=["search"], route_class=SessionRoute)


@router.get(
    "",
    response_model=Envelope[SearchResults],
    responses=errors(*AUTHED, 403),
    summary="Search every searchable type at once, or one `type`; scoped like every list",
)
def search(
    actor: CurrentActor,
    scope: Scope,
    session: ReadSession,
    clock: AppClock,
    settings: AppSettings,
    q: Annotated[str, Query(pattern=NO_NUL, min_length=1, max_length=100)],
    type: Annotated[
        str | None,
        Query(
            pattern=NO_NUL, max_length=20, description=f"One of: {', '.join(sorted(SEARCHABLE))}"
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50, description="At most this many per type")] = 10,
) -> Envelope[SearchResults]:
    context = SearchContext(clock=clock, tz=settings.tz)
    hits = service.search(session, scope, q.strip() or q, type, limit, context=context)
    return ok(SearchResults(query=q, types=[type] if type else list(SEARCHABLE), results=hits))
