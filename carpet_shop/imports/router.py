"""Import routes (director): upload for a preview, then commit it once."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status

from carpet_shop.auth.dependencies import AdminActor
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.dependencies import AppClock, AppSettings
from carpet_shop.core.envelope import Envelope, ok
from carpet_shop.core.errors import PayloadTooLarge
from carpet_shop.core.i18n import Message
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.imports import service
from carpet_shop.imports.schemas import CommitResult, PreviewRead

router = APIRouter(prefix="/api/import", route_class=SessionRoute, tags=["import"])


@router.post(
    "/products",
    response_model=Envelope[PreviewRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(
        *AUTHED,
        403,
        413,
        s413="PAYLOAD_TOO_LARGE: a file over the upload limit, more than 20,000 rows, or a "
        "workbook that unpacks to far more than a product list",
        s422="VALIDATION_ERROR: not UTF-8, not a workbook, missing columns, a formula cell, "
        "no rows",
    ),
    summary="Check a CSV or XLSX of products: what each row would do (admin); writes nothing",
    description="Columns: `name,category,collection,type,buy_price,sell_price,quantity,sizes,"
    "branch` (type: unit or meter; sizes separated by `;`; branch by name). The preview "
    "lasts 30 minutes; `POST /api/import/{id}/commit` applies it.",
)
def preview_products(
    file: Annotated[UploadFile, File(description="CSV (UTF-8, BOM or not) or XLSX")],
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
) -> Envelope[PreviewRead]:
    limit = settings.max_upload_bytes
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise PayloadTooLarge(
            Message("The file is larger than {limit} bytes", limit=limit),
            details={"limit_bytes": limit},
        )
    preview = service.preview_products(session, actor, clock, file.filename or "upload", content)
    return ok(service.view(preview), "Preview ready: nothing imported yet")


@router.get(
    "/{preview_id}",
    response_model=Envelope[PreviewRead],
    responses=errors(*AUTHED, 403, 404),
    summary="An import preview again (admin)",
)
def read_preview(
    preview_id: uuid.UUID, actor: AdminActor, session: ReadSession
) -> Envelope[PreviewRead]:
    return ok(service.view(service.get_preview(session, preview_id)))


@router.post(
    "/{preview_id}/commit",
    response_model=Envelope[CommitResult],
    responses=errors(
        *AUTHED,
        403,
        404,
        s409="CONFLICT: already committed, expired, or a row can no longer be imported",
    ),
    summary="Import exactly what the preview showed, in one transaction, once (admin)",
)
def commit_preview(
    preview_id: uuid.UUID,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
    settings: AppSettings,
) -> Envelope[CommitResult]:
    low_stock = LowStockDefaults.from_settings(settings)
    return ok(service.commit(session, actor, clock, preview_id, low_stock=low_stock), "Imported")
