from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from carpet_shop.auth.dependencies import AdminActor, CurrentActor
from carpet_shop.core.dependencies import AppClock
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.errors import Forbidden
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.schemas import ShortText
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.customers import profile, service
from carpet_shop.customers.schemas import (
    CustomerCreate,
    CustomerProfile,
    CustomerRead,
    CustomerUpdate,
)
from carpet_shop.debts.dependencies import ShopToday

router = APIRouter(prefix="/api/customers", tags=["customers"], route_class=SessionRoute)


@router.get(
    "",
    response_model=ListEnvelope[CustomerRead],
    responses=errors(*AUTHED, 403),
    summary="The shop-wide customer registry, searchable by name or phone",
)
def list_customers(
    actor: CurrentActor,
    session: ReadSession,
    page: Page,
    q: Annotated[ShortText | None, Query(description="Name or phone (any part)")] = None,
    include_deleted: bool = False,
) -> ListEnvelope[CustomerRead]:
    if include_deleted and not actor.is_admin:
        raise Forbidden("Only the director sees deleted customers")
    rows, total = service.list_customers(
        session, page, q=q.strip() if q else None, include_deleted=include_deleted
    )
    return page_of([CustomerRead.model_validate(c) for c in rows], page, total)


@router.post(
    "",
    response_model=Envelope[CustomerRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 409),
)
def create_customer(
    body: CustomerCreate, actor: CurrentActor, session: WriteSession, clock: AppClock
) -> Envelope[CustomerRead]:
    return ok(
        CustomerRead.model_validate(service.create_customer(session, actor, clock, body)),
        "Customer created",
    )


@router.get(
    "/{customer_id}",
    response_model=Envelope[CustomerProfile],
    responses=errors(*AUTHED, 404),
    summary="The customer with their debts and purchases (a seller: their branch's)",
)
def read_customer(
    customer_id: uuid.UUID, actor: CurrentActor, session: ReadSession, today: ShopToday
) -> Envelope[CustomerProfile]:
    return ok(profile.customer_profile(session, actor.scope(), customer_id, today))


@router.put(
    "/{customer_id}",
    response_model=Envelope[CustomerRead],
    responses=errors(*AUTHED, 404, 409),
)
def update_customer(
    customer_id: uuid.UUID,
    body: CustomerUpdate,
    actor: CurrentActor,
    session: WriteSession,
    clock: AppClock,
) -> Envelope[CustomerRead]:
    return ok(
        CustomerRead.model_validate(
            service.update_customer(session, actor, clock, customer_id, body)
        ),
        "Customer updated",
    )


@router.delete(
    "/{customer_id}", response_model=Envelope[None], responses=errors(*AUTHED, 403, 404, 409)
)
def delete_customer(
    customer_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[None]:
    profile.delete_customer(session, actor, clock, customer_id)
    return ok(None, "Customer deleted")


@router.post(
    "/{customer_id}/restore",
    response_model=Envelope[CustomerRead],
    responses=errors(*AUTHED, 403, 404, 409),
)
def restore_customer(
    customer_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[CustomerRead]:
    return ok(
        CustomerRead.model_validate(service.restore_customer(session, actor, clock, customer_id)),
        "Customer restored",
    )
