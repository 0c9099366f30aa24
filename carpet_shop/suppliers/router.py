"""/api/suppliers: the director's registry of suppliers (sellers get 403)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from carpet_shop.auth.dependencies import AdminActor
from carpet_shop.core.dependencies import AppClock
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.schemas import ShortText
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.currency.models import Currency
from carpet_shop.suppliers import service
from carpet_shop.suppliers.repository import SupplierFilters
from carpet_shop.suppliers.schemas import SupplierCreate, SupplierRead, SupplierUpdate

router = APIRouter(prefix="/api/suppliers", tags=["suppliers"], route_class=SessionRoute)


@router.get(
    "",
    response_model=ListEnvelope[SupplierRead],
    responses=errors(*AUTHED, 403),
    summary="Suppliers (director), searchable by name or phone, by name",
)
def list_suppliers(
    actor: AdminActor,
    session: ReadSession,
    page: Page,
    q: Annotated[ShortText | None, Query(description="Name or phone (any part)")] = None,
    country: Annotated[ShortText | None, Query(description="Exactly this country")] = None,
    currency: Annotated[Currency | None, Query(description="Default currency")] = None,
    include_deleted: Annotated[bool, Query(description="Deleted suppliers too")] = False,
) -> ListEnvelope[SupplierRead]:
    filters = SupplierFilters(
        q=q.strip() if q and q.strip() else None,
        country=country.strip() if country and country.strip() else None,
        currency=currency,
        include_deleted=include_deleted,
    )
    rows, total = service.list_suppliers(session, page, filters)
    return page_of([SupplierRead.model_validate(s) for s in rows], page, total)


@router.post(
    "",
    response_model=Envelope[SupplierRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 409),
)
def create_supplier(
    body: SupplierCreate, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[SupplierRead]:
    supplier = service.create_supplier(session, actor, clock, body)
    return ok(SupplierRead.model_validate(supplier), "Supplier created")


@router.get(
    "/{supplier_id}",
    response_model=Envelope[SupplierRead],
    responses=errors(*AUTHED, 403, 404),
)
def read_supplier(
    supplier_id: uuid.UUID, actor: AdminActor, session: ReadSession
) -> Envelope[SupplierRead]:
    return ok(SupplierRead.model_validate(service.get_supplier(session, supplier_id)))


@router.put(
    "/{supplier_id}",
    response_model=Envelope[SupplierRead],
    responses=errors(*AUTHED, 403, 404, 409),
    summary="Change a supplier; only the fields sent change",
)
def update_supplier(
    supplier_id: uuid.UUID,
    body: SupplierUpdate,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
) -> Envelope[SupplierRead]:
    supplier = service.update_supplier(session, actor, clock, supplier_id, body)
    return ok(SupplierRead.model_validate(supplier), "Supplier updated")


@router.delete(
    "/{supplier_id}",
    response_model=Envelope[None],
    responses=errors(
        *AUTHED,
        403,
        404,
        409,
        s409="CONFLICT: a payable to them is unpaid, or an order is on its way",
    ),
)
def delete_supplier(
    supplier_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[None]:
    service.delete_supplier(session, actor, clock, supplier_id)
    return ok(None, "Supplier deleted")


@router.post(
    "/{supplier_id}/restore",
    response_model=Envelope[SupplierRead],
    responses=errors(*AUTHED, 403, 404, 409),
)
def restore_supplier(
    supplier_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[SupplierRead]:
    supplier = service.restore_supplier(session, actor, clock, supplier_id)
    return ok(SupplierRead.model_validate(supplier), "Supplier restored")
