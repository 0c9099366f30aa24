from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response

from carpet_shop.auth.dependencies import AdminActor, CurrentActor
from carpet_shop.catalog import master
from carpet_shop.catalog.schemas import (
    CollectionCreate,
    CollectionRead,
    CollectionUpdate,
    SizeCreate,
    SizeRead,
    SizeUpdate,
)
from carpet_shop.core.dependencies import AppClock
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.etag import tagged
from carpet_shop.core.openapi import AUTHED, TAGGED, errors
from carpet_shop.core.pagination import Page
from carpet_shop.core.schemas import NO_NUL
from carpet_shop.core.sessions import ReadSession, SessionRoute, WriteSession

collections_router = APIRouter(
    prefix="/api/collections", tags=["collections"], route_class=SessionRoute
)
sizes_router = APIRouter(prefix="/api/sizes", tags=["sizes"], route_class=SessionRoute)


@collections_router.get(
    "",
    response_model=ListEnvelope[CollectionRead],
    responses=errors(*AUTHED),
    openapi_extra=TAGGED,
)
def list_collections(
    request: Request,
    actor: CurrentActor,
    session: ReadSession,
    page: Page,
    q: Annotated[str | None, Query(pattern=NO_NUL, max_length=60)] = None,
) -> Response:
    rows, total = master.list_collections(session, page, q)
    return tagged(request, page_of([CollectionRead.model_validate(c) for c in rows], page, total))


@collections_router.get(
    "/{collection_id}",
    response_model=Envelope[CollectionRead],
    responses=errors(*AUTHED, 404),
    openapi_extra=TAGGED,
)
def read_collection(
    request: Request, collection_id: uuid.UUID, actor: CurrentActor, session: ReadSession
) -> Response:
    collection = master.get_collection(session, collection_id)
    return tagged(request, ok(CollectionRead.model_validate(collection)))


@collections_router.post(
    "",
    response_model=Envelope[CollectionRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 409),
)
def create_collection(
    body: CollectionCreate, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[CollectionRead]:
    collection = master.create_collection(session, actor, clock, body)
    return ok(CollectionRead.model_validate(collection), "Collection created")


@collections_router.put(
    "/{collection_id}",
    response_model=Envelope[CollectionRead],
    responses=errors(*AUTHED, 403, 404, 409),
)
def update_collection(
    collection_id: uuid.UUID,
    body: CollectionUpdate,
    actor: AdminActor,
    session: WriteSession,
    clock: AppClock,
) -> Envelope[CollectionRead]:
    collection = master.update_collection(session, actor, clock, collection_id, body)
    return ok(CollectionRead.model_validate(collection), "Collection updated")


@collections_router.delete(
    "/{collection_id}",
    response_model=Envelope[None],
    responses=errors(*AUTHED, 403, 404, s409="CONFLICT: products use this collection"),
    summary="Delete a collection no product uses (its own sizes go with it)",
)
def delete_collection(
    collection_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[None]:
    master.delete_collection(session, actor, clock, collection_id)
    return ok(None, "Collection deleted")


@sizes_router.get(
    "",
    response_model=ListEnvelope[SizeRead],
    responses=errors(*AUTHED),
    summary="Sizes by width then height; for a collection, its own and those for all",
    openapi_extra=TAGGED,
)
def list_sizes(
    request: Request,
    actor: CurrentActor,
    session: ReadSession,
    page: Page,
    collection_id: uuid.UUID | None = None,
    collection: Annotated[
        str | None, Query(pattern=NO_NUL, max_length=60, description="Collection name")
    ] = None,
    include_global: Annotated[
        bool, Query(description="With a collection: also the sizes for all collections")
    ] = True,
) -> Response:
    rows, total = master.list_sizes(
        session,
        page,
        collection_id=collection_id,
        collection=collection,
        include_global=include_global,
    )
    return tagged(request, page_of([SizeRead.model_validate(s) for s in rows], page, total))


@sizes_router.get(
    "/{size_id}",
    response_model=Envelope[SizeRead],
    responses=errors(*AUTHED, 404),
    openapi_extra=TAGGED,
)
def read_size(
    request: Request, size_id: uuid.UUID, actor: CurrentActor, session: ReadSession
) -> Response:
    return tagged(request, ok(SizeRead.model_validate(master.get_size(session, size_id))))


@sizes_router.post(
    "",
    response_model=Envelope[SizeRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 409),
)
def create_size(
    body: SizeCreate, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[SizeRead]:
    return ok(
        SizeRead.model_validate(master.create_size(session, actor, clock, body)), "Size created"
    )


@sizes_router.put(
    "/{size_id}", response_model=Envelope[SizeRead], responses=errors(*AUTHED, 403, 404, 409)
)
def update_size(
    size_id: uuid.UUID, body: SizeUpdate, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[SizeRead]:
    size = master.update_size(session, actor, clock, size_id, body)
    return ok(SizeRead.model_validate(size), "Size updated")


@sizes_router.delete(
    "/{size_id}", response_model=Envelope[None], responses=errors(*AUTHED, 403, 404)
)
def delete_size(
    size_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[None]:
    master.delete_size(session, actor, clock, size_id)
    return ok(None, "Size deleted")
