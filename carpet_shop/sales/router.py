from __future__ import annotations

import json
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, status
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic_core import to_json

from carpet_shop.auth.dependencies import CurrentActor
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core import i18n, metrics
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.debts.dependencies import ShopToday
from carpet_shop.sales import idempotency, printout, service
from carpet_shop.sales.filters import SaleQuery
from carpet_shop.sales.schemas import SaleAdminRead, SaleCreate, SaleRead
from carpet_shop.sales.views import read_for, seller_read

router = APIRouter(prefix="/api/sales", tags=["sales"], route_class=SessionRoute)

CREATE_SALE = "POST /api/sales"
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Any unique string per sale the app rings up; a retry with the same key "
        "gets the first answer and sells nothing twice",
    ),
]


@router.post(
    "",
    response_model=Envelope[SaleAdminRead | SaleRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(
        *AUTHED,
        403,
        404,
        409,
        s409="INSUFFICIENT_STOCK (details.products: each short product and what is available), "
        "or CONFLICT: the Idempotency-Key was used for another request",
        s422="VALIDATION_ERROR (a credit sale without its customer or debt_deadline, among "
        "others), or PRICE_BELOW_COST for a seller below the buy price",
    ),
    summary="Ring up a sale: one product, or a receipt of several items and payments; "
    "a debt payment makes it a credit sale and opens the customer's debt",
)
def create_sale(
    body: SaleCreate,
    actor: CurrentActor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    claim = None
    if idempotency_key is not None:
        outcome = idempotency.begin(session, clock, actor.id, idempotency_key, CREATE_SALE, body)
        if isinstance(outcome, idempotency.Replay):
            return JSONResponse(
                outcome.body,
                status_code=outcome.status_code,
                headers={"Idempotent-Replayed": "true"},
            )
        claim = outcome
    view = service.create_sale(
        session,
        actor,
        clock,
        body,
        tz=settings.tz,
        low_stock=LowStockDefaults.from_settings(settings),
    )
    metrics.sale_rung_up(view.sale.branch_id, view.sale.amount)
    # Written once as JSON by the model (the route's response_model documents it).
    content = to_json(ok(read_for(view, admin=actor.is_admin), "Sale created"))
    if claim is not None:
        idempotency.finish(session, claim, status.HTTP_201_CREATED, json.loads(content))
    return Response(content, status_code=status.HTTP_201_CREATED, media_type="application/json")


@router.get(
    "",
    response_model=ListEnvelope[SaleAdminRead | SaleRead],
    responses=errors(*AUTHED, 403),
    summary="Sales, newest first, each with its items and payments",
)
def list_sales(
    actor: CurrentActor, filters: SaleQuery, session: ReadSession, page: Page, today: ShopToday
) -> ListEnvelope[SaleAdminRead | SaleRead]:
    views, total = service.list_sales(session, filters, page, today)
    return page_of([read_for(v, admin=actor.is_admin) for v in views], page, total)


@router.get(
    "/{sale_id:uuid}",
    response_model=Envelope[SaleAdminRead | SaleRead],
    responses=errors(*AUTHED, 403, 404),
)
def read_sale(
    sale_id: uuid.UUID, actor: CurrentActor, session: ReadSession, today: ShopToday
) -> Envelope[SaleAdminRead | SaleRead]:
    view = service.get_sale(session, actor.scope(), sale_id, today)
    return ok(read_for(view, admin=actor.is_admin))


_PRINTED = {
    "text/html": {"schema": {"type": "string"}},
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
}


@router.get(
    "/{sale_id:uuid}/receipt",
    response_class=Response,
    responses={
        200: {"description": "The receipt, as HTML or PDF", "content": _PRINTED},
        **errors(*AUTHED, 403, 404),
    },
    summary="The printable receipt for a 58 or 80 mm thermal printer, in the caller's language",
)
def print_receipt(
    sale_id: uuid.UUID,
    actor: CurrentActor,
    session: ReadSession,
    settings: AppSettings,
    today: ShopToday,
    format: Annotated[Literal["html", "pdf"], Query(description="html or pdf")] = "html",
    paper: Annotated[
        printout.Paper, Query(description="Roll width in millimetres: 58 or 80")
    ] = printout.Paper.MM80,
) -> Response:
    view = service.get_sale(session, actor.scope(), sale_id, today)
    # The customer's copy: made from the seller's view, never with buy prices.
    printed = printout.printout_of(seller_read(view), settings.shop_name, settings.tz)
    if format == "pdf":
        return Response(
            printout.render_pdf(printed, paper),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="receipt_{printed.number}.pdf"'},
        )
    return HTMLResponse(printout.render_html(printed, paper, i18n.current()))
