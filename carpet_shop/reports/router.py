"""Report routes: the list's or analytics' filters in, a JSON envelope or a file out.

Every answer streams: the route checks the caller and the filters, then hands a lazy table
to the response, which reads it in a read-only session of its own (core.sessions.
StreamedReads; the request's session, which checked the caller, has ended by then) on a
worker thread, so a year of sales neither sits in memory nor holds up the sellers' requests
on the event loop.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from carpet_shop.analytics.service import GroupBy
from carpet_shop.auth.dependencies import AdminActor, CurrentActor, Scope
from carpet_shop.catalog.filters import ProductListQuery
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.dates import ShopDay
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope
from carpet_shop.core.errors import Forbidden, ValidationFailed
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.periods import resolve
from carpet_shop.core.query import query_parameters, query_reader
from carpet_shop.core.sessions import (
    ReadSession,
    SessionRoute,
    StreamedReads,
    StreamedReadSessions,
)
from carpet_shop.debts.dependencies import DebtQuery, ShopToday
from carpet_shop.payables.dependencies import PayableQuery
from carpet_shop.reports import service
from carpet_shop.reports.files import csv_chunks, json_chunks
from carpet_shop.reports.repository import PurchaseFilters
from carpet_shop.reports.schemas import ReportData
from carpet_shop.reports.table import Table
from carpet_shop.reports.workbook import file_chunks, write_workbook
from carpet_shop.sales.filters import SaleFilters, SaleQuery

router = APIRouter(prefix="/api/reports", tags=["reports"], route_class=SessionRoute)


class ReportFormat(enum.StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    EXCEL = "excel"  # the specification's name for xlsx


FormatQuery = Annotated[
    ReportFormat, Query(alias="format", description="json (the envelope), csv, or xlsx (= excel)")
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILES = {
    ReportFormat.CSV: ("csv", "text/csv; charset=utf-8"),
    ReportFormat.XLSX: ("xlsx", XLSX_TYPE),
    ReportFormat.EXCEL: ("xlsx", XLSX_TYPE),
}
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": Envelope[ReportData],
        "description": "The envelope (format=json), or the file as an attachment",
        "content": {
            "application/json": {
                "example": {
                    "success": True,
                    "data": {
                        "report": "debts",
                        "first_day": "2026-01-08",
                        "last_day": "2026-01-08",
                        "columns": [{"key": "customer", "title": "Customer", "type": "text"}],
                        "rows": [{"customer": "Aziz Rahimov"}],
                        "totals": {"debt_count": 1},
                    },
                    "message": "OK",
                    "timestamp": "2026-01-08T10:30:00Z",
                }
            },
            "text/csv": {"example": "customer\r\nAziz Rahimov\r\nTOTAL\r\n"},
            XLSX_TYPE: {"example": "(an XLSX workbook)"},
        },
    }
}


def _chunks(table: Table, fmt: ReportFormat) -> Iterator[bytes]:
    if fmt == ReportFormat.JSON:
        yield from json_chunks(table)
    elif fmt == ReportFormat.CSV:
        yield from csv_chunks(table)
    else:
        yield from file_chunks(write_workbook(table))


def _stream(
    reads: StreamedReads, build: Callable[[Session], Table], fmt: ReportFormat
) -> StreamingResponse:
    session = reads.open()
    table = build(session)  # lazy: nothing is read until the response iterates its rows

    def body() -> Iterator[bytes]:
        try:
            yield from _chunks(table, fmt)
        finally:
            session.close()

    if fmt == ReportFormat.JSON:
        return StreamingResponse(body(), media_type="application/json")
    extension, media_type = FILES[fmt]
    filename = table.filename(extension)
    return StreamingResponse(
        body(),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def spec_sale_filters(
    filters: SaleQuery,
    clock: AppClock,
    settings: AppSettings,
    start_date: Annotated[
        date | None, Query(description="The specification's name for date_from")
    ] = None,
    end_date: Annotated[
        date | None, Query(description="The specification's name for date_to")
    ] = None,
) -> SaleFilters:
    """The sales list's filters, also taking the specification's `start_date`/`end_date`."""
    if start_date is None and end_date is None:
        return filters
    window = resolve(None, start_date, end_date, clock, settings.tz)
    return dataclasses.replace(filters, window=window)


ReportSaleQuery = Annotated[SaleFilters, Depends(spec_sale_filters)]


@router.get(
    "/sales",
    responses={**FILE_RESPONSES, **errors(*AUTHED, 403)},
    summary="One row per sale line, with totals; the sales list's filters",
    description="Sellers get their branch and no cost or director's profit columns. "
    "Totals equal `GET /api/sales/analytics` for the same filters.",
)
def sales_report(
    actor: CurrentActor,
    session: ReadSession,
    reads: StreamedReadSessions,
    settings: AppSettings,
    filters: ReportSaleQuery,
    today: ShopToday,
    fmt: FormatQuery = ReportFormat.JSON,
) -> StreamingResponse:
    return _stream(
        reads,
        lambda s: service.sales_table(
            s, filters, settings.tz, director=actor.is_admin, today=today
        ),
        fmt,
    )


@router.get(
    "/inventory",
    responses={**FILE_RESPONSES, **errors(*AUTHED, 403)},
    summary="Stock per branch and product: value at sell price (and buy price: director)",
    openapi_extra=query_parameters(ProductListQuery),
)
def inventory_report(
    actor: CurrentActor,
    session: ReadSession,
    reads: StreamedReadSessions,
    settings: AppSettings,
    today: ShopToday,
    query: Annotated[ProductListQuery, Depends(query_reader(ProductListQuery))],
    fmt: FormatQuery = ReportFormat.JSON,
    low_stock_only: Annotated[
        bool, Query(description="Only products at or below their level")
    ] = False,
) -> StreamingResponse:
    if query.include_deleted and not actor.is_admin:
        raise Forbidden("Only the director sees deleted products")
    scope = actor.list_scope(query.branch_id)
    filters = query.filters()
    defaults = LowStockDefaults.from_settings(settings)
    return _stream(
        reads,
        lambda s: service.inventory_table(
            s,
            scope,
            filters,
            defaults,
            director=actor.is_admin,
            low_stock_only=low_stock_only,
            today=today,
        ),
        fmt,
    )


@router.get(
    "/debts",
    responses={**FILE_RESPONSES, **errors(*AUTHED, 403)},
    summary="The nasiya collection list: the debt list's filters, by deadline",
)
def debts_report(
    scope: Scope,
    session: ReadSession,
    reads: StreamedReadSessions,
    settings: AppSettings,
    filters: DebtQuery,
    today: ShopToday,
    fmt: FormatQuery = ReportFormat.JSON,
) -> StreamingResponse:
    return _stream(
        reads, lambda s: service.debts_table(s, scope, filters, settings.tz, today=today), fmt
    )


@router.get(
    "/profit",
    responses={**FILE_RESPONSES, **errors(*AUTHED, 403)},
    summary="The director's profit per period and branch, with shares (admin)",
    description="Totals equal `GET /api/sales/profit` for the same filters.",
)
def profit_report(
    actor: AdminActor,
    session: ReadSession,
    reads: StreamedReadSessions,
    settings: AppSettings,
    filters: ReportSaleQuery,
    today: ShopToday,
    fmt: FormatQuery = ReportFormat.JSON,
    group_by: Annotated[
        GroupBy, Query(description="day, week (from Monday) or month")
    ] = GroupBy.DAY,
) -> StreamingResponse:
    return _stream(
        reads,
        lambda s: service.profit_table(s, filters, settings.tz, group_by, today=today),
        fmt,
    )


# Purchases by supplier and the payables list (director only).


async def purchase_filters(
    date_from: Annotated[ShopDay | None, Query(description="Received on or after")] = None,
    date_to: Annotated[ShopDay | None, Query(description="Received on or before")] = None,
    supplier_id: uuid.UUID | None = None,
    branch_id: uuid.UUID | None = None,
) -> PurchaseFilters:
    if date_from is not None and date_to is not None and date_to < date_from:
        raise ValidationFailed.field("date_to", "date_to is before date_from")
    return PurchaseFilters(
        date_from=date_from, date_to=date_to, supplier_id=supplier_id, branch_id=branch_id
    )


@router.get(
    "/purchases",
    responses={**FILE_RESPONSES, **errors(*AUTHED, 403)},
    summary="Goods receipts by supplier and period: count, so'm and dollar totals (admin)",
)
def purchases_report(
    actor: AdminActor,
    session: ReadSession,
    reads: StreamedReadSessions,
    filters: Annotated[PurchaseFilters, Depends(purchase_filters)],
    today: ShopToday,
    fmt: FormatQuery = ReportFormat.JSON,
) -> StreamingResponse:
    return _stream(reads, lambda s: service.purchases_table(s, filters, today=today), fmt)


@router.get(
    "/payables",
    responses={**FILE_RESPONSES, **errors(*AUTHED, 403)},
    summary="What the shop owes suppliers: the payables list's filters, by due date (admin)",
)
def payables_report(
    actor: AdminActor,
    session: ReadSession,
    reads: StreamedReadSessions,
    filters: PayableQuery,
    today: ShopToday,
    fmt: FormatQuery = ReportFormat.JSON,
) -> StreamingResponse:
    return _stream(reads, lambda s: service.payables_table(s, filters, today=today), fmt)
