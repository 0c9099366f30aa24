from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Request

from carpet_shop.auth.dependencies import CurrentActor, bearer
from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.catalog import service
from carpet_shop.catalog.photos import PhotoStore
from carpet_shop.catalog.views import LowStockDefaults, ProductViews
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import shop_today
from carpet_shop.core.dependencies import AppSettings
from carpet_shop.core.errors import AppError
from carpet_shop.core.sessions import RequestSession, run_of


def views_for(request: Request, actor: Actor) -> ProductViews:
    """The caller's views, without today's dollar rate (catalog.service.priced_views adds
    it where the request's session is at hand)."""
    defaults = LowStockDefaults.from_settings(request.app.state.settings)
    return ProductViews(admin=actor.is_admin, defaults=defaults)


def shop_today_of(request: Request) -> date:
    """Today in the shop's time zone, read from the app's state (no dependency to resolve)."""
    state = request.app.state
    return shop_today(state.clock, state.settings.tz)


async def get_views(request: Request, actor: CurrentActor, session: RequestSession) -> ProductViews:
    """The caller's views with the dollar rate in force today, read in the request's session
    where it runs (core.sessions)."""
    views = views_for(request, actor)
    return await run_of(session)(service.priced_views, session, views, shop_today_of(request))


async def get_photo_store(settings: AppSettings) -> PhotoStore:
    return PhotoStore(settings.uploads_dir, settings.max_upload_bytes)


def _prepare_body_photo(store: PhotoStore, body: bytes) -> None:
    try:
        photo = json.loads(body).get("photo")
    except (ValueError, AttributeError):
        return  # the body's own validation answers it
    if isinstance(photo, str) and photo:
        store.prepare(photo)


async def get_prepared_photo_store(
    request: Request, settings: AppSettings, token: Annotated[str | None, Depends(bearer)]
) -> PhotoStore:
    """The photo store, with the base64 `photo` of the request's JSON body already decoded,
    in a worker thread, before the request's session is opened: a product with a photo never
    holds up the writers' turn (catalog.photos). Only for a genuine access token, since the
    sign-in itself is checked later, in the session."""
    store = PhotoStore(settings.uploads_dir, settings.max_upload_bytes)
    if not token or not request.headers.get("content-type", "").startswith("application/json"):
        return store
    policy: AuthPolicy = request.app.state.auth_policy
    try:
        policy.signer.read(token, expected_type="access", now=request.app.state.clock.now())
    except AppError:
        return store
    body = await request.body()
    if b'"photo"' in body:
        await anyio.to_thread.run_sync(_prepare_body_photo, store, body)
    return store


Views = Annotated[ProductViews, Depends(get_views)]
Photos = Annotated[PhotoStore, Depends(get_photo_store)]
# Declared before the route's session (and its actor), so that it is made first.
PreparedPhotos = Annotated[PhotoStore, Depends(get_prepared_photo_store)]
