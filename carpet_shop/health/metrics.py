"""GET /metrics: Prometheus's text format, for a director's access token or METRICS_TOKEN
(Prometheus's `bearer_token` / `authorization` in its scrape config)."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client.core import Metric
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carpet_shop.auth.dependencies import bearer, get_actor
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core import metrics
from carpet_shop.core.config import Settings
from carpet_shop.core.database import Database
from carpet_shop.core.dependencies import AppSettings, DbSession
from carpet_shop.core.errors import Forbidden, Unauthorized
from carpet_shop.core.openapi import errors
from carpet_shop.core.repository import ALL_BRANCHES
from carpet_shop.debts.models import Debt, DebtStatus
from carpet_shop.inventory import service as inventory_service

router = APIRouter(tags=["health"])


def _from_database(session: Session, settings: Settings) -> Iterable[Metric]:
    low = inventory_service.count_low_stock(
        session, ALL_BRANCHES, LowStockDefaults.from_settings(settings)
    )
    yield metrics.gauge(
        "carpet_shop_stock_alerts",
        "Product sizes at or below their low-stock threshold, all branches",
        [({}, float(low))],
    )
    overdue = session.execute(
        select(Debt.branch_id, func.count(), func.coalesce(func.sum(Debt.remaining_amount), 0))
        .where(Debt.status == DebtStatus.OVERDUE)
        .group_by(Debt.branch_id)
    ).all()
    yield metrics.gauge(
        "carpet_shop_overdue_debts",
        "Debts overdue (as of the last status job), by branch",
        [({"branch_id": str(branch)}, float(count)) for branch, count, _ in overdue],
    )
    yield metrics.gauge(
        "carpet_shop_overdue_debts_amount_soum",
        "What overdue debts still owe, by branch",
        [({"branch_id": str(branch)}, float(owed)) for branch, _, owed in overdue],
    )


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus text format"},
        **errors(401, 403),
    },
    summary="Prometheus metrics: requests, latency, database pool, caches, shop counters",
)
async def scrape(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    token: Annotated[str | None, Depends(bearer)],
) -> Response:
    if not token:
        raise Unauthorized("Send METRICS_TOKEN or a director's access token as a Bearer token")
    token_ok = settings.metrics_token is not None and hmac.compare_digest(
        token.encode(), settings.metrics_token.encode()
    )
    if not token_ok:
        actor = await get_actor(request, session, token)
        if not actor.is_admin:
            raise Forbidden("Metrics are for the director")
    database: Database = request.app.state.database
    body = await database.run(
        lambda: metrics.render(lambda: list(_from_database(session, settings)))
    )
    return Response(body, media_type=metrics.CONTENT_TYPE)
