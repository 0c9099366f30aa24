"""Analytics and dashboard routes: HTTP only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from carpet_shop.analytics import schemas, service
from carpet_shop.auth.dependencies import AdminActor, CurrentActor, Scope
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ok
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.sessions import ReadSession, SessionRoute
from carpet_shop.sales.filters import SaleQuery

# Included before the sales router: /api/sales/{id} would otherwise claim these paths.
router = APIRouter(tags=["analytics"], route_class=SessionRoute)


@router.get(
    "/api/sales/analytics",
    response_model=Envelope[schemas.AdminSalesAnalytics | schemas.SalesAnalytics],
    responses=errors(*AUTHED, 403),
    summary="Revenue, counts, breakdowns and a series for the sales list's filters",
    description="Sellers get their own branch and no director's profit "
    "(`SalesAnalytics`); the director gets `AdminSalesAnalytics`. Figures are net of "
    "approved returns. The series is by shop day, or by hour when the window is one day.",
)
def sales_analytics(
    actor: CurrentActor,
    session: ReadSession,
    settings: AppSettings,
    filters: SaleQuery,
    top: Annotated[int, Query(ge=1, le=50, description="How many top products")] = 10,
) -> Envelope[schemas.SalesAnalytics]:
    report = service.sales_report(session, filters, settings.tz, top=top)
    return ok(schemas.sales_analytics_view(report, admin=actor.is_admin))


@router.get(
    "/api/sales/profit",
    response_model=Envelope[schemas.ProfitAnalytics],
    responses=errors(*AUTHED, 403),
    summary="The director's profit and extra profit, per branch with shares, over time (admin)",
)
def sales_profit(
    actor: AdminActor,
    session: ReadSession,
    settings: AppSettings,
    filters: SaleQuery,
    group_by: Annotated[
        service.GroupBy, Query(description="Series by day, week (from Monday) or month")
    ] = service.GroupBy.DAY,
) -> Envelope[schemas.ProfitAnalytics]:
    report = service.profit_report(session, filters, settings.tz, group_by)
    return ok(schemas.profit_view(report))


@router.get(
    "/api/dashboard/widgets",
    response_model=Envelope[schemas.AdminDashboardWidgets | schemas.DashboardWidgets],
    responses=errors(*AUTHED, 403),
    summary="Today's sales, low stock, transfers, top products and recent activity",
)
def dashboard_widgets(
    actor: CurrentActor,
    session: ReadSession,
    clock: AppClock,
    settings: AppSettings,
    scope: Scope,
) -> Envelope[schemas.DashboardWidgets]:
    widgets = service.dashboard(
        session, scope, clock, settings.tz, low_stock=LowStockDefaults.from_settings(settings)
    )
    return ok(schemas.dashboard_view(widgets, admin=actor.is_admin))
