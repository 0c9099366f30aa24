from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile, status
from fastapi.responses import Response
from pydantic import BaseModel

from carpet_shop.auth.dependencies import AdminActor, CurrentActor, ProductEditor, Scope
from carpet_shop.catalog import service
from carpet_shop.catalog.dependencies import (
    Photos,
    PreparedPhotos,
    Views,
    shop_today_of,
    views_for,
)
from carpet_shop.catalog.filters import FacetQuery, ProductListQuery, facet_filters
from carpet_shop.catalog.schemas import (
    AnyProductRead,
    Facets,
    PhotoUpload,
    ProductAdminRead,
    ProductCreate,
    ProductSuggestion,
    ProductUpdate,
)
from carpet_shop.core.dependencies import AppClock
from carpet_shop.core.envelope import Envelope, ListEnvelope, ok, page_of
from carpet_shop.core.errors import Forbidden
from carpet_shop.core.etag import tagged, tagged_page
from carpet_shop.core.openapi import AUTHED, TAGGED, errors
from carpet_shop.core.pagination import Page, PageParams
from carpet_shop.core.query import query_parameters, query_reader
from carpet_shop.core.schemas import NO_NUL
from carpet_shop.core.sessions import QuickReadSession, ReadSession, SessionRoute, WriteSession

router = APIRouter(tags=["products"], route_class=SessionRoute)


@router.get(
    "/api/products",
    response_model=ListEnvelope[AnyProductRead],
    responses=errors(*AUTHED, 403),
    summary="Products; a seller gets their branch only and never the buy price",
    openapi_extra=query_parameters(ProductListQuery) | TAGGED,
)
def list_products(
    request: Request,
    actor: CurrentActor,
    session: QuickReadSession,
    query: Annotated[ProductListQuery, Depends(query_reader(ProductListQuery))],
) -> Response:
    # One query model instead of the shared Scope, Page and filter dependencies: this is the
    # busiest read, and each dependency FastAPI resolves costs time on every request.
    if query.include_deleted and not actor.is_admin:
        raise Forbidden("Only the director sees deleted products")
    scope = actor.list_scope(query.branch_id)
    views = views_for(request, actor)
    data, tag, total = service.list_products(session, scope, views, query, shop_today_of(request))
    return tagged_page(request, data, tag, query.page_params(), total)


@router.get(
    "/api/products/autocomplete",
    response_model=ListEnvelope[ProductSuggestion],
    responses=errors(*AUTHED, 403),
    summary="Quick find by name while selling: names starting with q first",
)
def autocomplete(
    actor: CurrentActor,
    scope: Scope,
    session: ReadSession,
    q: Annotated[str, Query(pattern=NO_NUL, min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    in_stock: Annotated[bool, Query(description="Only products with stock")] = False,
) -> ListEnvelope[ProductSuggestion]:
    rows = service.suggest(session, scope, q, limit, in_stock_only=in_stock)
    # One page of at most `limit` suggestions; meta keeps the contract's list shape.
    return page_of(
        [ProductSuggestion.model_validate(p) for p in rows],
        PageParams(page=1, page_size=limit),
        len(rows),
    )


@router.get(
    "/api/catalog/facets",
    response_model=Envelope[Facets],
    responses=errors(*AUTHED, 403),
    summary="Drill-down: categories → collections → widths → heights, with product counts",
    openapi_extra={**TAGGED, **query_parameters(FacetQuery)},
)
def catalog_facets(
    request: Request,
    actor: CurrentActor,
    scope: Scope,
    session: QuickReadSession,
    # The product list's filters that have a drill-down counterpart (catalog.filters).
    query: Annotated[BaseModel, Depends(query_reader(FacetQuery))],
) -> Response:
    return tagged(request, ok(service.facets(session, scope, facet_filters(query))))


@router.post(
    "/api/products",
    response_model=Envelope[AnyProductRead],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 413),
)
def create_product(
    body: ProductCreate,
    photos: PreparedPhotos,
    actor: ProductEditor,
    session: WriteSession,
    clock: AppClock,
    views: Views,
) -> Envelope[AnyProductRead]:
    product = service.create_product(session, actor, clock, body, photos)
    return ok(views.one(product), "Product created")


@router.get(
    "/api/products/without-cost",
    response_model=ListEnvelope[ProductAdminRead],
    responses=errors(*AUTHED, 403),
    summary="Products sellers added without a buy price, oldest first (admin): "
    "they are not sold until the director sets one",
)
def products_without_cost(
    actor: AdminActor, session: ReadSession, views: Views, page: Page
) -> ListEnvelope[AnyProductRead]:
    products, total = service.list_without_cost(session, page)
    return page_of(views.many(products), page, total)


@router.get(
    "/api/products/{product_id}",
    response_model=Envelope[AnyProductRead],
    responses=errors(*AUTHED, 403, 404),
    openapi_extra=TAGGED,
)
def read_product(
    request: Request, product_id: uuid.UUID, actor: CurrentActor, session: ReadSession, views: Views
) -> Response:
    return tagged(request, ok(views.one(service.read_product(session, actor.scope(), product_id))))


@router.put(
    "/api/products/{product_id}",
    response_model=Envelope[AnyProductRead],
    responses=errors(*AUTHED, 403, 404, 409, 413),
    summary="Change a product; quantity and length edits are recorded in its ledger",
)
def update_product(
    product_id: uuid.UUID,
    body: ProductUpdate,
    photos: PreparedPhotos,
    actor: ProductEditor,
    session: WriteSession,
    clock: AppClock,
    views: Views,
) -> Envelope[AnyProductRead]:
    product = service.update_product(
        session, actor, clock, product_id, body, photos, low_stock=views.defaults
    )
    return ok(views.one(product), "Product updated")


@router.delete(
    "/api/products/{product_id}",
    response_model=Envelope[None],
    responses=errors(*AUTHED, 403, 404, s409="CONFLICT: it has sales or transfers in transit"),
)
def delete_product(
    product_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock
) -> Envelope[None]:
    service.delete_product(session, actor, clock, product_id)
    return ok(None, "Product deleted")


@router.post(
    "/api/products/{product_id}/restore",
    response_model=Envelope[AnyProductRead],
    responses=errors(*AUTHED, 403, 404, 409),
)
def restore_product(
    product_id: uuid.UUID, actor: AdminActor, session: WriteSession, clock: AppClock, views: Views
) -> Envelope[AnyProductRead]:
    product = service.restore_product(session, actor, clock, product_id)
    return ok(views.one(product), "Product restored")


@router.post(
    "/api/upload/product-photo",
    response_model=Envelope[PhotoUpload],
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTHED, 403, 413),
    summary="Upload a photo (multipart field `file`); send the returned url as a product's photo",
)
def upload_product_photo(
    actor: ProductEditor,
    session: ReadSession,
    photos: Photos,
    file: Annotated[UploadFile, File()],
) -> Envelope[PhotoUpload]:
    # One byte over the limit is enough to know it is too large.
    data = file.file.read(photos.max_bytes + 1)
    stored = photos.save_bytes(data)
    return ok(
        PhotoUpload(
            url=stored.url, thumb_url=stored.thumb_url, width=stored.width, height=stored.height
        ),
        "Photo uploaded",
    )
