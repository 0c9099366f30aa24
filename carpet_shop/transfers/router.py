from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from carpet_shop.auth.dependencies import AdminActor, CurrentActor, Scope
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.transfers import service
from carpet_shop.transfers.models import TransferStatus
from carpet_shop.transfers.schemas import Direction, TransferCreate, TransferRead

router = APIRouter(tags=["transfers"], route_class=SessionRoute)


@router.post(
    "/api/products/{product_id}/transfer",
    response_model=Envelope[TransferRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(
        *AUTHED, 403, 404, s409="INSUFFICIENT_STOCK: the product has less than the quantity"
    ),
    summary="Send stock to another branch (admin); it is in transit until received",
)
def start_transfer(
    product_id: uuid.UUID,
    body: TransferCreate,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
) -> Envelope[TransferRead]:
    low_stock = LowStockDefaults.from_settings(settings)
    transfer = service.start(session, actor, clock, product_id, body, low_stock=low_stock)
    message = "Transfer completed" if body.complete else "Transfer started"
    return ok(TransferRead.model_validate(transfer), message)


@router.get(
    "/api/transfers",
    response_model=ListEnvelope[TransferRead],
    responses=errors(*AUTHED, 403),
    summary="Transfers, newest first; a branch sees those into and out of it",
)
def list_transfers(
    actor: CurrentActor,
    scope: Scope,
    session: ReadSession,
    page: Page,
    status: TransferStatus | None = None,
    direction: Direction | None = None,
    product_id: uuid.UUID | None = None,
) -> ListEnvelope[TransferRead]:
    rows, total = service.list_transfers(
        session, scope, page, status=status, direction=direction, product_id=product_id
    )
    return page_of([TransferRead.model_validate(t) for t in rows], page, total)


@router.get(
    "/api/transfers/{transfer_id}",
    response_model=Envelope[TransferRead],
    responses=errors(*AUTHED, 403, 404),
)
def read_transfer(
    transfer_id: uuid.UUID, actor: CurrentActor, session: ReadSession
) -> Envelope[TransferRead]:
    return ok(
        TransferRead.model_validate(service.read_transfer(session, actor.scope(), transfer_id))
    )


@router.post(
    "/api/transfers/{transfer_id}/receive",
    response_model=Envelope[TransferRead],
    responses=errors(*AUTHED, 403, 404, s409="CONFLICT: not in transit any more"),
    summary="Receive into the target branch (admin, or a seller of that branch)",
)
def receive_transfer(
    transfer_id: uuid.UUID, actor: CurrentActor, session: WriteSession, clock: AppClock
) -> Envelope[TransferRead]:
    transfer = service.receive(session, actor, clock, transfer_id)
    return ok(TransferRead.model_validate(transfer), "Transfer received")


@router.post(
    "/api/transfers/{transfer_id}/cancel",
    response_model=Envelope[TransferRead],
    responses=errors(*AUTHED, 403, 404, s409="CONFLICT: not in transit any more"),
    summary="Cancel a transfer in transit (admin); the stock goes back",
)
def cancel_transfer(
    transfer_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[TransferRead]:
    transfer = service.cancel(session, actor, clock, transfer_id)
    return ok(TransferRead.model_validate(transfer), "Transfer cancelled")
