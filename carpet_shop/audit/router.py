from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from carpet_shop.audit import service
from carpet_shop.audit.models import AuditAction
from carpet_shop.audit.schemas import AuditLogRead
from carpet_shop.auth.dependencies import AdminActor
from carpet_shop.core.dates import ShopDay
from carpet_shop.core.dependencies import AppSettings
from carpet_shop.core.envelope import ListEnvelope, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute

router = APIRouter(prefix="/api/audit-logs", tags=["audit"], route_class=SessionRoute)


@router.get(
    "",
    response_model=ListEnvelope[AuditLogRead],
    responses=errors(*AUTHED, 403),
    summary="The audit trail, newest first (admin)",
)
def list_audit_logs(
    actor: AdminActor,
    session: ReadSession,
    settings: AppSettings,
    page: Page,
    user_id: uuid.UUID | None = None,
    entity_type: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: uuid.UUID | None = None,
    action: AuditAction | None = None,
    date_from: Annotated[ShopDay | None, Query(description="First shop day, inclusive")] = None,
    date_to: Annotated[ShopDay | None, Query(description="Last shop day, inclusive")] = None,
) -> ListEnvelope[AuditLogRead]:
    rows, total = service.list_entries(
        session,
        page,
        tz=settings.tz,
        user_id=user_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        date_from=date_from,
        date_to=date_to,
    )
    return page_of([AuditLogRead.model_validate(r) for r in rows], page, total)
