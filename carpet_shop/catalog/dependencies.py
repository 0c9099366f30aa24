from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from carpet_shop.auth.dependencies import CurrentActor
from carpet_shop.catalog.photos import PhotoStore
from carpet_shop.catalog.views import LowStockDefaults, ProductViews
from carpet_shop.core.actor import Actor
from carpet_shop.core.dependencies import AppSettings


def views_for(request: Request, actor: Actor) -> ProductViews:
    defaults = LowStockDefaults.from_settings(request.app.state.settings)
    return ProductViews(admin=actor.is_admin, defaults=defaults)


async def get_views(request: Request, actor: CurrentActor) -> ProductViews:
    return views_for(request, actor)


async def get_photo_store(settings: AppSettings) -> PhotoStore:
    return PhotoStore(settings.uploads_dir, settings.max_upload_bytes)


Views = Annotated[ProductViews, Depends(get_views)]
Photos = Annotated[PhotoStore, Depends(get_photo_store)]
