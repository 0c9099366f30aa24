"""Bulk routes on products (director): matched before `/api/products/{product_id}`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from carpet_shop.auth.dependencies import AdminActor, CurrentActor, Scope
from carpet_shop.bulk import service
from carpet_shop.bulk.schemas import BulkDelete, BulkDeleteResult, BulkPriceResult, BulkPriceUpdate
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ok
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.transfers import service as transfers_service
from carpet_shop.transfers.models import Transfer, TransferStatus
from carpet_shop.transfers.schemas import BatchCreate, BatchRead, TransferRead

router = APIRouter(prefix="/api/products", route_class=SessionRoute, tags=["products"])


@router.put(
    "/bulk-price-update",
    response_model=Envelope[BulkPriceResult],
    responses=errors(
        *AUTHED,
        403,
        404,
        s422="VALIDATION_ERROR: a new price would be zero or less (details.products names "
        "each), or neither or both of product_ids and filters",
    ),
    summary="Change the prices of many products at once (admin); dry_run=true only answers",
)
def bulk_price_update(
    body: BulkPriceUpdate,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
    dry_run: Annotated[bool, Query(description="Answer what would change; write nothing")] = False,
) -> Envelope[BulkPriceResult]:
    result = service.update_prices(session, actor, clock, body, dry_run=dry_run)
    message = "Prices would change (dry run)" if dry_run else "Prices updated"
    return ok(result, message)


@router.delete(
    "/bulk-delete",
    response_model=Envelope[BulkDeleteResult],
    responses=errors(
        *AUTHED, 403, s409="CONFLICT: details.blocked lists each product that cannot go, and why"
    ),
    summary="Delete (soft) many products at once, all or none (admin)",
)
def bulk_delete(
    body: BulkDelete, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[BulkDeleteResult]:
    deleted = service.delete_products(session, actor, clock, body.product_ids)
    return ok(BulkDeleteResult(deleted=len(deleted), product_ids=deleted), "Products deleted")


def _batch(transfers: list[Transfer]) -> BatchRead:
    statuses = {t.status for t in transfers}
    head = transfers[0]
    assert head.batch_id is not None
    return BatchRead(
        batch_id=head.batch_id,
        to_branch_id=head.to_branch_id,
        status=statuses.pop() if len(statuses) == 1 else TransferStatus.IN_TRANSIT,
        transfers=[TransferRead.model_validate(t) for t in transfers],
    )


@router.post(
    "/bulk-transfer",
    response_model=Envelope[BatchRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(
        *AUTHED, 403, 404, s409="INSUFFICIENT_STOCK: details.products names every short product"
    ),
    summary="Send several products to one branch as one transfer document (admin)",
    description="Received or cancelled as a whole: `POST /api/products/bulk-transfer/{id}/"
    "receive` or `/cancel`; its transfers cannot be received or cancelled one by one.",
)
def bulk_transfer(
    body: BatchCreate,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
) -> Envelope[BatchRead]:
    low_stock = LowStockDefaults.from_settings(settings)
    transfers = transfers_service.start_batch(session, actor, clock, body, low_stock=low_stock)
    return ok(_batch(transfers), "Transfer completed" if body.complete else "Transfer started")


@router.get(
    "/bulk-transfer/{batch_id}",
    response_model=Envelope[BatchRead],
    responses=errors(*AUTHED, 403, 404),
    summary="A bulk transfer and its products",
)
def read_bulk_transfer(
    batch_id: uuid.UUID, actor: CurrentActor, scope: Scope, session: ReadSession
) -> Envelope[BatchRead]:
    return ok(_batch(transfers_service.read_batch(session, scope, batch_id)))


@router.post(
    "/bulk-transfer/{batch_id}/receive",
    response_model=Envelope[BatchRead],
    responses=errors(*AUTHED, 403, 404, 409),
    summary="Receive every product of a bulk transfer (admin, or the receiving branch)",
)
def receive_bulk_transfer(
    batch_id: uuid.UUID, actor: CurrentActor, session: WriteSession, clock: AppClock
) -> Envelope[BatchRead]:
    transfers = transfers_service.receive_batch(session, actor, clock, batch_id)
    return ok(_batch(transfers), "Transfer received")


@router.post(
    "/bulk-transfer/{batch_id}/cancel",
    response_model=Envelope[BatchRead],
    responses=errors(*AUTHED, 403, 404, 409),
    summary="Cancel a bulk transfer: every product goes back (admin)",
)
def cancel_bulk_transfer(
    batch_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[BatchRead]:
    transfers = transfers_service.cancel_batch(session, actor, clock, batch_id)
    return ok(_batch(transfers), "Transfer cancelled")
