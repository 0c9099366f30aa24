"""GET /metrics: Prometheus's text format, for a director's access token or METRICS_TOKEN
(Prometheus's `bearer_token` / `authorization` in its scrape config)."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Response
from prometheus_client.core import Metric
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carpet_shop.auth.dependencies import MetricsReader
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core import metrics
from carpet_shop.core.config import Settings
from carpet_shop.core.dependencies import AppSettings
from carpet_shop.core.openapi import errors
from carpet_shop.core.repository import ALL_BRANCHES
from carpet_shop.core.sessions import ReadSession, SessionRoute
from carpet_shop.debts.models import Debt, DebtStatus
from carpet_shop.inventory import service as inventory_service

router = APIRouter(tags=["health"], route_class=SessionRoute)

_EXAMPLE = (
    "# HELP carpet_shop_sales_total Sales rung up, by branch\n"
    "# TYPE carpet_shop_sales_total counter\n"
    'carpet_shop_sales_total{branch_id="0190a6f2-7c1e-7a3b-9f00-4c2d8e1a5b6c"} 42.0\n'
)


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
        200: {
            "content": {"text/plain": {"example": _EXAMPLE}},
            "description": "Prometheus text format",
        },
        **errors(401, 403),
    },
    summary="Prometheus metrics: requests, latency, database pool, caches, shop counters",
)
def scrape(_: MetricsReader, session: ReadSession, settings: AppSettings) -> Response:
    body = metrics.render(lambda: list(_from_database(session, settings)))
    return Response(body, media_type=metrics.CONTENT_TYPE)
