from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from carpet_shop.auth.dependencies import AdminActor, CurrentActor, Scope
from carpet_shop.core.dependencies import AppClock
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.openapi import AUTHED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession
from carpet_shop.discounts import service
from carpet_shop.discounts.models import DiscountScope
from carpet_shop.discounts.schemas import DiscountCreate, DiscountRead, DiscountUpdate

router = APIRouter(prefix="/api/discounts", tags=["discounts"], route_class=SessionRoute)


@router.get(
    "",
    response_model=ListEnvelope[DiscountRead],
    responses=errors(*AUTHED, 403),
    summary="Discounts; a seller gets those that can apply in their branch",
)
def list_discounts(
    actor: CurrentActor,
    scope: Scope,
    session: ReadSession,
    clock: AppClock,
    page: Page,
    applicable_to: DiscountScope | None = None,
    running_now: bool = False,
    is_active: bool | None = None,
) -> ListEnvelope[DiscountRead]:
    rows, total = service.list_discounts(
        session,
        scope,
        page,
        applicable_to=applicable_to,
        active_at=clock.now() if running_now else None,
        is_active=is_active,
    )
    return page_of([DiscountRead.model_validate(d) for d in rows], page, total)


@router.post(
    "",
    response_model=Envelope[DiscountRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403),
)
def create_discount(
    body: DiscountCreate, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[DiscountRead]:
    discount = service.create_discount(session, actor, clock, body)
    return ok(DiscountRead.model_validate(discount), "Discount created")


@router.get(
    "/{discount_id}", response_model=Envelope[DiscountRead], responses=errors(*AUTHED, 403, 404)
)
def read_discount(
    discount_id: uuid.UUID, actor: CurrentActor, session: ReadSession
) -> Envelope[DiscountRead]:
    discount = service.read_discount(session, actor.scope(), discount_id)
    return ok(DiscountRead.model_validate(discount))


@router.put(
    "/{discount_id}", response_model=Envelope[DiscountRead], responses=errors(*AUTHED, 403, 404)
)
def update_discount(
    discount_id: uuid.UUID,
    body: DiscountUpdate,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
) -> Envelope[DiscountRead]:
    discount = service.update_discount(session, actor, clock, discount_id, body)
    return ok(DiscountRead.model_validate(discount), "Discount updated")


@router.delete("/{discount_id}", response_model=Envelope[None], responses=errors(*AUTHED, 403, 404))
def delete_discount(
    discount_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[None]:
    service.delete_discount(session, actor, clock, discount_id)
    return ok(None, "Discount deleted")
