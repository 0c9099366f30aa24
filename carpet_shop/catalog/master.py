"""Master data of the catalog: collections and sizes. Everyone reads them; the director writes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.catalog.models import Collection, Size
from carpet_shop.catalog.repository import CollectionRepository, SizeRepository
from carpet_shop.catalog.schemas import CollectionCreate, CollectionUpdate, SizeCreate, SizeUpdate
from carpet_shop.catalog.text import as_uuid, parse_size
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict, NotFound, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.pagination import PageParams

COLLECTION = "collection"
SIZE = "size"
COLLECTION_FIELDS = ("name", "icon")
SIZE_FIELDS = ("size", "width", "height", "collection_id")


# Collections


def get_collection(session: Session, collection_id: uuid.UUID) -> Collection:
    collection = CollectionRepository(session).get(collection_id)
    if collection is None:
        raise NotFound.of("Collection", collection_id)
    return collection


def resolve_collection(
    session: Session, name: str | None, collection_id: uuid.UUID | None
) -> Collection:
    """The collection a product names, by id or by name (any case); 422 if there is none."""
    repo = CollectionRepository(session)
    if collection_id is not None:
        found = repo.get(collection_id)
        if found is None:
            raise ValidationFailed.field(
                "collection_id",
                Message("No collection {collection_id}", collection_id=collection_id),
            )
        if name is not None and found.name.lower() != name.strip().lower():
            raise ValidationFailed.field("collection", "collection and collection_id disagree")
        return found
    if name is None:
        raise ValidationFailed.field("collection", "Name the product's collection")
    found = repo.find_by_name(name)
    by_id = as_uuid(name)
    if found is None and by_id is not None:
        found = repo.get(by_id)
    if found is None:
        raise ValidationFailed.field(
            "collection", Message("No collection named {name!r}", name=name)
        )
    return found


def list_collections(
    session: Session, page: PageParams, q: str | None = None
) -> tuple[Sequence[Collection], int]:
    repo = CollectionRepository(session)
    return repo.paginate(repo.listing(q), page)


def _check_name_free(
    repo: CollectionRepository, name: str, except_id: uuid.UUID | None = None
) -> None:
    if repo.name_taken(name, except_id=except_id):
        raise Conflict(
            Message("A collection named {name!r} already exists", name=name),
            details={"field": "name"},
        )


def create_collection(
    session: Session, actor: Actor, clock: Clock, data: CollectionCreate
) -> Collection:
    repo = CollectionRepository(session)
    _check_name_free(repo, data.name)
    now = clock.now()
    collection = repo.add(
        Collection(name=data.name, icon=data.icon, created_at=now, updated_at=now)
    )
    audit.log_created(session, actor, clock, COLLECTION, collection, COLLECTION_FIELDS)
    return collection


def update_collection(
    session: Session, actor: Actor, clock: Clock, collection_id: uuid.UUID, data: CollectionUpdate
) -> Collection:
    repo = CollectionRepository(session)
    collection = get_collection(session, collection_id)
    changes = data.model_dump(exclude_unset=True)
    before = audit.snapshot(collection, COLLECTION_FIELDS)
    if changes.get("name") is not None:
        _check_name_free(repo, changes["name"], except_id=collection.id)
        collection.name = changes["name"]
    if "icon" in changes:
        collection.icon = changes["icon"]
    collection.updated_at = clock.now()
    repo.flush()
    audit.log_updated(session, actor, clock, COLLECTION, collection, before)
    return collection


def delete_collection(
    session: Session, actor: Actor, clock: Clock, collection_id: uuid.UUID
) -> None:
    repo = CollectionRepository(session)
    collection = get_collection(session, collection_id)
    live, deleted = repo.product_counts(collection.id)
    if live or deleted:
        raise Conflict(
            Message("Collection {name!r} is used by products", name=collection.name),
            details={"products": live, "deleted_products": deleted},
        )
    before = audit.snapshot(collection, COLLECTION_FIELDS)
    repo.remove(collection)
    audit.log_removed(session, actor, clock, COLLECTION, collection_id, before)


# Sizes


def get_size(session: Session, size_id: uuid.UUID) -> Size:
    size = SizeRepository(session).get(size_id)
    if size is None:
        raise NotFound.of("Size", size_id)
    return size


def list_sizes(
    session: Session,
    page: PageParams,
    *,
    collection_id: uuid.UUID | None = None,
    collection: str | None = None,
    include_global: bool = True,
) -> tuple[Sequence[Size], int]:
    if collection is not None and collection_id is None:
        collections = CollectionRepository(session)
        by_id = as_uuid(collection)
        found = collections.find_by_name(collection) or (collections.get(by_id) if by_id else None)
        if found is None:
            return [], 0
        collection_id = found.id
    repo = SizeRepository(session)
    return repo.paginate(repo.listing(collection_id, include_global=include_global), page)


def get_collection_for_field(session: Session, collection_id: uuid.UUID) -> Collection:
    found = CollectionRepository(session).get(collection_id)
    if found is None:
        raise ValidationFailed.field(
            "collection_id", Message("No collection {collection_id}", collection_id=collection_id)
        )
    return found


def _check_size_free(
    session: Session, size: str, collection_id: uuid.UUID | None, except_id: uuid.UUID | None
) -> None:
    if collection_id is not None:
        get_collection_for_field(session, collection_id)
    if SizeRepository(session).taken(size, collection_id, except_id=except_id):
        template = (
            "Size {size} already exists for this collection"
            if collection_id
            else "Size {size} already exists for all collections"
        )
        raise Conflict(Message(template, size=size), details={"field": "size"})


def create_size(session: Session, actor: Actor, clock: Clock, data: SizeCreate) -> Size:
    size_text, width, height = parse_size(data.size)
    _check_size_free(session, size_text, data.collection_id, None)
    now = clock.now()
    size = SizeRepository(session).add(
        Size(
            size=size_text,
            width=width,
            height=height,
            collection_id=data.collection_id,
            created_at=now,
            updated_at=now,
        )
    )
    audit.log_created(session, actor, clock, SIZE, size, SIZE_FIELDS)
    return size


def update_size(
    session: Session, actor: Actor, clock: Clock, size_id: uuid.UUID, data: SizeUpdate
) -> Size:
    size = get_size(session, size_id)
    changes = data.model_dump(exclude_unset=True)
    before = audit.snapshot(size, SIZE_FIELDS)
    size_text, width, height = parse_size(changes.get("size") or size.size)
    collection_id = changes.get("collection_id", size.collection_id)
    _check_size_free(session, size_text, collection_id, size.id)
    size.size, size.width, size.height = size_text, width, height
    size.collection_id = collection_id
    size.updated_at = clock.now()
    SizeRepository(session).flush()
    audit.log_updated(session, actor, clock, SIZE, size, before)
    return size


def delete_size(session: Session, actor: Actor, clock: Clock, size_id: uuid.UUID) -> None:
    """Products keep the sizes they list; the size is only no longer offered for new ones."""
    size = get_size(session, size_id)
    before = audit.snapshot(size, SIZE_FIELDS)
    SizeRepository(session).remove(size)
    audit.log_removed(session, actor, clock, SIZE, size_id, before)


def unknown_sizes(session: Session, sizes: Sequence[str], collection_id: uuid.UUID) -> list[str]:
    """The sizes of `sizes` that the collection does not offer."""
    offered = SizeRepository(session).offered(sizes, collection_id)
    return [s for s in sizes if s not in offered]
