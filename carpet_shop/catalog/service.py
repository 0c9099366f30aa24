"""Products: one line of stock in one branch, by the piece (unit) or by the metre (meter).

Stock is never assigned here: a product is made empty and filled through the ledger, and
quantity or length edits become `edit` movements.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.branches.repository import BranchRepository
from carpet_shop.catalog import drilldown, master, rules
from carpet_shop.catalog.filters import ProductFilters, ProductListQuery
from carpet_shop.catalog.models import Product, ProductSize, ProductType, stock_of
from carpet_shop.catalog.photos import PhotoStore, StoredPhoto
from carpet_shop.catalog.repository import ProductRepository
from carpet_shop.catalog.schemas import (
    Facets,
    ProductCreate,
    ProductUpdate,
    SizeStockIn,
)
from carpet_shop.catalog.sizes import resolve_size, size_price
from carpet_shop.catalog.text import parse_size, search_key
from carpet_shop.catalog.views import LowStockDefaults, ProductViews
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import AppError, Conflict, ItemRefused, NotFound, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.ids import new_id
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import BranchScope
from carpet_shop.currency.repository import CurrencyRateRepository
from carpet_shop.inventory import ledger
from carpet_shop.inventory.models import MovementKind
from carpet_shop.notifications import triggers as notify
from carpet_shop.search.hits import SearchHit

ENTITY = "product"
AUDITED_FIELDS = (
    "name",
    "category",
    "collection_id",
    "type",
    "buy_price",
    "sell_price",
    "sell_price_per_meter",
    "quantity",
    "total_length",
    "remaining_length",
    "max_quantity",
    "available_sizes",
    "photo",
    "low_stock_threshold",
    "branch_id",
    "sell_price_usd",
)
ZERO = Decimal("0")


# Reading


def get_product(session: Session, product_id: uuid.UUID) -> Product:
    product = ProductRepository(session).get_live(product_id)
    if product is None:
        raise NotFound.of("Product", product_id)
    return product


def read_product(session: Session, scope: BranchScope, product_id: uuid.UUID) -> Product:
    product = get_product(session, product_id)
    scope.check(product.branch_id)
    return product


def priced_views(session: Session, views: ProductViews, today: date) -> ProductViews:
    """`views` showing dollar list prices in so'm at the rate in force `today` (kept until
    the next commit, by day: the product list asks on every page)."""
    rate = CurrencyRateRepository(session).kept_rate_on(today)
    return views if rate == views.usd_rate else replace(views, usd_rate=rate)


def list_products(
    session: Session,
    scope: BranchScope,
    views: ProductViews,
    query: ProductListQuery,
    today: date,
) -> tuple[bytes, str, int]:
    """A page of products as the JSON array of a list envelope (see catalog.views), its
    content tag (core.etag) and the total. Dollar prices in so'm are at `today`'s rate, which
    is part of the kept page's key (with the views): a new rate or a new day is a new page."""
    priced = priced_views(session, views, today)
    return ProductRepository(session).listed_page_json(priced, scope, query)


def live_products(session: Session) -> Sequence[Product]:
    """Every product not deleted, in all branches (seeding and scripts; no paging)."""
    return ProductRepository(session).live_everywhere()


def suggest(
    session: Session, scope: BranchScope, q: str, limit: int, *, in_stock_only: bool = False
) -> Sequence[Product]:
    return ProductRepository(session).suggest(scope, q, limit, in_stock_only=in_stock_only)


def list_low_stock(
    session: Session, scope: BranchScope, defaults: LowStockDefaults, page: PageParams
) -> tuple[Sequence[Product], int]:
    repo = ProductRepository(session)
    return repo.paginate(repo.low_stock(scope, defaults.pieces, defaults.metres), page)


def list_needs_count(
    session: Session, scope: BranchScope, page: PageParams
) -> tuple[Sequence[Product], int]:
    """Products whose stock sits on one of several sizes by a rule, to count per size."""
    repo = ProductRepository(session)
    return repo.paginate(repo.needs_count(scope), page)


def list_without_cost(session: Session, page: PageParams) -> tuple[Sequence[Product], int]:
    """Products sellers added, waiting for the director's buy price (not sold until then)."""
    repo = ProductRepository(session)
    return repo.paginate(repo.without_cost(), page)


def count_low_stock(session: Session, scope: BranchScope, defaults: LowStockDefaults) -> int:
    repo = ProductRepository(session)
    return repo.count(repo.low_stock(scope, defaults.pieces, defaults.metres))


def count_low_stock_sizes(session: Session, scope: BranchScope, defaults: LowStockDefaults) -> int:
    return ProductRepository(session).count_low_stock_sizes(scope, defaults.pieces, defaults.metres)


# Writing


def _store_photo(photos: PhotoStore | None, photo: str) -> StoredPhoto:
    if photos is None:
        raise ValidationFailed.field("photo", "Photos are not accepted here")
    return photos.accept(photo)


def _size_names(kind: ProductType, given: list[SizeStockIn] | None, listed: list[str]) -> list[str]:
    if given is None:
        return listed
    if listed:
        raise ValidationFailed.field("sizes", "Send either sizes or available_sizes")
    names = [s.size for s in given]
    if len(set(names)) != len(names):
        raise ValidationFailed.field("sizes", "Each size once")
    return names


def _checked(
    session: Session, kind: ProductType, names: list[str], collection_id: uuid.UUID
) -> list[tuple[str, Decimal, Decimal]]:
    # A roll's size is its W×L as received, not a size of the collection's master data.
    if kind == ProductType.METER:
        return [parse_size(name) for name in names]
    return rules.checked_sizes(session, names, collection_id)


def _initial_stock(
    kind: ProductType,
    given: list[SizeStockIn] | None,
    sizes: list[tuple[str, Decimal, Decimal]],
    quantity: int,
    total_length: Decimal | None,
    remaining_length: Decimal | None,
) -> tuple[dict[str | None, tuple[Decimal, Decimal | None]], bool]:
    """What each size (None: the product without sizes) starts with, as (stock, roll length),
    and whether the stock was placed by the rule (one quantity on the first of several
    sizes: the director counts it per size)."""
    if given is not None:
        placed: dict[str | None, tuple[Decimal, Decimal | None]] = {}
        for n, (item, (name, _width, height)) in enumerate(zip(given, sizes, strict=True)):
            if kind == ProductType.UNIT:
                rules.no_lengths(item.total_length, item.remaining_length)
                placed[name] = (Decimal(item.quantity or 0), None)
                continue
            if item.quantity:
                raise ValidationFailed.field(f"sizes.{n}.quantity", "A roll counts metres")
            total = item.total_length if item.total_length is not None else height
            if item.total_length is None and item.remaining_length is not None:
                total = max(height, item.remaining_length)
            total, remaining = rules.roll(total, item.remaining_length)
            placed[name] = (remaining, total)
        return placed, False
    if kind == ProductType.UNIT:
        rules.no_lengths(total_length, remaining_length)
        stock, roll_total = Decimal(quantity), None
    else:
        rules.no_pieces(quantity)
        roll_total, stock = rules.roll(total_length, remaining_length)
    if not sizes:
        return {None: (stock, roll_total)}, False
    first: dict[str | None, tuple[Decimal, Decimal | None]] = {sizes[0][0]: (stock, roll_total)}
    rest = {name: (ZERO, None if kind == ProductType.UNIT else ZERO) for name, _, _ in sizes[1:]}
    return first | rest, len(sizes) > 1 and stock > 0


def _size_prices(
    actor: Actor, kind: ProductType, given: list[SizeStockIn] | None
) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    """Each size's own (sell, buy) price; a seller never sends a buy price (403)."""
    if given is None:
        return {}
    prices: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    for n, item in enumerate(given):
        meter = kind == ProductType.METER
        sell = item.sell_price_per_meter if meter else item.sell_price
        buy = item.buy_price_per_meter if meter else item.buy_price
        wrong = (
            ("sell_price", "buy_price")
            if meter
            else ("sell_price_per_meter", "buy_price_per_meter")
        )
        for field in wrong:
            if getattr(item, field) is not None:
                raise ValidationFailed.field(
                    f"sizes.{n}.{field}",
                    "Rolls are priced per metre" if meter else "Pieces are priced per piece",
                )
        sent_buy = {"buy_price", "buy_price_per_meter"} & item.model_fields_set
        if sent_buy and not actor.is_admin:
            rules.directors_fields(actor, sorted(sent_buy))
        prices[item.size] = (rules.cents_or_none(sell), rules.cents_or_none(buy))
    return prices


def _lowest(
    kind: ProductType,
    sizes: list[tuple[str, Decimal, Decimal]],
    own: dict[str, tuple[Decimal | None, Decimal | None]],
    rate: Decimal | None,
    step: Decimal | None,
    which: int,
) -> Decimal | None:
    """The lowest of the sizes' prices (sell: 0, buy: 1) from their own or the rate per m²:
    the product's own price when the request gives none."""
    found = [
        size_price(own.get(name, (None, None))[which], rate, width, height, step, None,
                   meter=kind == ProductType.METER)
        for name, width, height in sizes
    ]  # fmt: skip
    known = [price for price in found if price is not None]
    return min(known) if known else None


@dataclass
class _NewProduct:
    """A product the rules accepted, not written yet, and the stock it starts with."""

    product: Product
    stock: list[ledger.StockLine]


def create_product(
    session: Session,
    actor: Actor,
    clock: Clock,
    data: ProductCreate,
    photos: PhotoStore | None = None,
) -> Product:
    new = _new_product(session, actor, clock, data, photos)
    return _write_new(session, actor, clock, [new])[0]


def create_products(
    session: Session, actor: Actor, clock: Clock, items: Sequence[ProductCreate]
) -> list[Product]:
    """Several new products (an import's), each exactly as `create_product` makes it: every
    item is checked by the same rules before any is written (`ItemRefused` names the first
    refused, with its error), then all are written together by the same code."""
    new = []
    for index, data in enumerate(items):
        try:
            new.append(_new_product(session, actor, clock, data, None))
        except AppError as error:
            raise ItemRefused(index, error) from error
    return _write_new(session, actor, clock, new)


def _new_product(
    session: Session,
    actor: Actor,
    clock: Clock,
    data: ProductCreate,
    photos: PhotoStore | None,
) -> _NewProduct:
    """The product `data` asks for, made by the rules (422/403 otherwise); written by
    `_write_new`."""
    rules.directors_fields(actor, data.model_fields_set)
    rules.directors_price(actor, "sell_price_usd", None, data.sell_price_usd)
    branch_id = rules.target_branch(session, actor, data.branch_id)
    collection = master.resolve_collection(session, data.collection, data.collection_id)
    names = _size_names(data.type, data.sizes, data.available_sizes)
    sizes = _checked(session, data.type, names, collection.id)
    own_prices = _size_prices(actor, data.type, data.sizes)
    if data.type == ProductType.METER and (data.sell_price_per_m2 or data.buy_price_per_m2):
        raise ValidationFailed.field("sell_price_per_m2", "Rolls are priced per metre")
    step = rules.cents_or_none(data.price_step)
    sell_rate = rules.cents_or_none(data.sell_price_per_m2)
    buy_rate = rules.cents_or_none(data.buy_price_per_m2)
    sell = data.sell_price or (
        None
        if data.type == ProductType.METER
        else _lowest(data.type, sizes, own_prices, sell_rate, step, 0)
    )
    per_meter = data.sell_price_per_meter or (
        _lowest(data.type, sizes, own_prices, None, step, 0)
        if data.type == ProductType.METER
        else None
    )
    buy = data.buy_price or _lowest(data.type, sizes, own_prices, buy_rate, step, 1)
    if actor.is_admin and buy is None:
        raise ValidationFailed.field("buy_price", "The director gives the buy price")
    prices = rules.prices(data.type, sell, per_meter)
    rules.check_threshold(data.type, data.low_stock_threshold)
    placed, by_rule = _initial_stock(
        data.type, data.sizes, sizes, data.quantity, data.total_length, data.remaining_length
    )
    meter = data.type == ProductType.METER
    total = sum((t or ZERO for t in (v[1] for v in placed.values())), ZERO) if meter else None
    photo = _store_photo(photos, data.photo) if data.photo else None
    now = clock.now()
    product = Product(
        # Given here, not at the flush: its size rows and stock lines name it before then.
        id=new_id(),
        name=data.name,
        search_name=search_key(data.name),
        category=data.category,
        collection_id=collection.id,
        collection_ref=collection,
        type=data.type,
        buy_price=rules.cents_or_none(buy),
        sell_price=prices.sell_price,
        sell_price_per_meter=prices.sell_price_per_meter,
        quantity=0,
        total_length=total,
        remaining_length=None if total is None else ZERO,
        max_quantity=data.max_quantity,
        available_sizes=[s[0] for s in sizes],
        photo=photo.url if photo else None,
        photo_thumb=photo.thumb_url if photo else None,
        low_stock_threshold=rules.cents_or_none(data.low_stock_threshold),
        sell_price_per_m2=sell_rate,
        buy_price_per_m2=buy_rate,
        price_step=step,
        sell_price_usd=rules.cents_or_none(data.sell_price_usd),
        needs_count=by_rule,
        branch_id=branch_id,
        created_at=now,
        updated_at=now,
    )
    _add_size_rows(product, sizes, own_prices, {k: v[1] for k, v in placed.items()})
    stock = [
        ledger.StockLine(product, amount, size)
        for size, (amount, _) in placed.items()
        if amount > 0
    ]
    # The ledger's own checks, now: nothing is written until every item has passed them.
    for line in stock:
        ledger.checked(line)
    return _NewProduct(product, stock)


def _write_new(
    session: Session, actor: Actor, clock: Clock, new: Sequence[_NewProduct]
) -> list[Product]:
    """Write checked new products: the rows, empty, then their stock through the ledger
    (an `initial` movement each), then an audit entry each with the stock they hold."""
    products = [n.product for n in new]
    ProductRepository(session).add_all(products)
    documents = [(ledger.Document(ENTITY, n.product.id), n.stock) for n in new if n.stock]
    if documents:
        ledger.put_each(session, clock, documents, MovementKind.INITIAL, actor.id)
    audit.log_created_each(session, actor, clock, ENTITY, products, AUDITED_FIELDS)
    return products


def _add_size_rows(
    product: Product,
    sizes: Sequence[tuple[str, Decimal, Decimal]],
    own_prices: dict[str, tuple[Decimal | None, Decimal | None]],
    rolls: dict[str | None, Decimal | None],
) -> None:
    """New, empty size rows (a roll with its length as received); the ledger fills them."""
    meter = product.type == ProductType.METER
    for name, width, height in sizes:
        sell, buy = own_prices.get(name, (None, None))
        product.size_rows.append(
            ProductSize(
                product_id=product.id,
                size=name,
                width=width,
                height=height,
                quantity=0,
                total_length=(rolls.get(name) or ZERO) if meter else None,
                remaining_length=ZERO if meter else None,
                sell_price=sell,
                buy_price=buy,
            )
        )


def _stock_reason(product: Product, changes: dict[str, Any]) -> str | None:
    """The reason a stock edit gives: required when the level changes, and only sent with
    a level (quantity or remaining_length)."""
    reason: str | None = changes.get("stock_reason")
    field = "quantity" if product.type == ProductType.UNIT else "remaining_length"
    level = changes.get(field)
    if level is not None and Decimal(level) != product.stock and reason is None:
        raise ValidationFailed.field(
            "stock_reason",
            Message("Say why {field} changes; the reason is kept in the stock ledger", field=field),
        )
    if reason is not None and level is None:
        raise ValidationFailed.field(
            "stock_reason", Message("Only with a new {field}", field=field)
        )
    return reason


def _edit_stock(
    session: Session,
    actor: Actor,
    clock: Clock,
    product: Product,
    changes: dict[str, Any],
    low_stock: LowStockDefaults,
) -> None:
    """Quantity and length edits: `edit` movements with their reason, then the roll's
    total_length."""
    document = ledger.Document(ENTITY, product.id)
    if len(product.available_sizes or []) > 1:
        # Sizes are stock: a new level for several sizes would have to land on a size nobody
        # named (CONTRACT.md, "Sizes as stock"); each size's stock is edited in `sizes`. The
        # sum sent back unchanged (a client or an import that knows nothing of sizes) is fine.
        current = {
            "quantity": Decimal(product.quantity),
            "remaining_length": product.remaining_length,
            "total_length": product.total_length,
        }
        for field, now in current.items():
            given = changes.get(field)
            if given is not None and Decimal(given) != (now or ZERO):
                raise ValidationFailed.field(
                    field, "This product has several sizes: give each one's stock in sizes"
                )
        return
    if product.type == ProductType.UNIT:
        rules.no_lengths(changes.get("total_length"), changes.get("remaining_length"))
        reason = _stock_reason(product, changes)
        if changes.get("quantity") is not None:
            counted = Decimal(changes["quantity"])
            moved = ledger.set_level(
                session, clock, product, counted, MovementKind.EDIT, document, actor.id, reason
            )
            notify.stock_set(session, clock, low_stock, product, moved)
        return
    rules.no_pieces(changes.get("quantity"))
    reason = _stock_reason(product, changes)
    remaining = changes.get("remaining_length")
    total = changes.get("total_length")
    new_remaining = remaining if remaining is not None else product.stock
    new_total = total if total is not None else max(product.total_length or ZERO, new_remaining)
    if new_remaining > new_total:
        field = "remaining_length" if remaining is not None else "total_length"
        raise ValidationFailed.field(field, "The roll's total_length is less than what remains")
    if remaining is not None:
        moved = ledger.set_level(
            session, clock, product, remaining, MovementKind.EDIT, document, actor.id, reason
        )
        notify.stock_set(session, clock, low_stock, product, moved)
    product.total_length = new_total


def _resize(
    session: Session,
    actor: Actor,
    clock: Clock,
    product: Product,
    sizes: Sequence[tuple[str, Decimal, Decimal]],
) -> None:
    """Give the product these sizes, in this order, losing no piece: stock of a size taken
    away (or of the product before it had sizes) moves to the first size (or back to the
    product when none is left), and the director is asked to count it per size."""
    names = [name for name, _, _ in sizes]
    rows = {row.size: row for row in product.size_rows}
    document = ledger.Document(ENTITY, product.id)
    moved = ZERO
    leaving = [row for name, row in rows.items() if name not in names]
    for row in leaving:
        stock = product_size_stock(product.type, row)
        if stock > 0:
            ledger.take(
                session, clock, [ledger.StockLine(product, stock, row.size)],
                MovementKind.EDIT, document, actor.id, "size removed",
            )  # fmt: skip
            moved += stock
    if not rows and product.stock > 0 and names:
        moved = product.stock
        ledger.take(
            session, clock, [ledger.StockLine(product, moved, None)],
            MovementKind.EDIT, document, actor.id, "stock put on a size",
        )  # fmt: skip
    for row in leaving:
        product.size_rows.remove(row)
    product.available_sizes = names
    _add_size_rows(product, [s for s in sizes if s[0] not in rows], {}, {})
    session.flush()
    if moved > 0:
        target = names[0] if names else None
        ledger.put(
            session, clock, [ledger.StockLine(product, moved, target)],
            MovementKind.EDIT, document, actor.id, "stock moved from a removed size",
        )  # fmt: skip
        if len(names) > 1:
            product.needs_count = True


def product_size_stock(kind: ProductType, row: ProductSize) -> Decimal:
    return stock_of(kind, row.quantity, row.remaining_length)


def _edit_sizes(
    session: Session,
    actor: Actor,
    clock: Clock,
    product: Product,
    given: list[SizeStockIn],
    own_prices: dict[str, tuple[Decimal | None, Decimal | None]],
    changes: dict[str, Any],
) -> None:
    """Each size's own prices and counted stock (`edit` movements with the stock_reason)."""
    rows = {row.size: row for row in product.size_rows}
    reason = changes.get("stock_reason")
    document = ledger.Document(ENTITY, product.id)
    for n, item in enumerate(given):
        row = rows[item.size]
        sell, buy = own_prices.get(item.size, (None, None))
        if sell is not None:
            row.sell_price = sell
        if buy is not None:
            row.buy_price = buy
        level = item.quantity if product.type == ProductType.UNIT else item.remaining_length
        if level is None or Decimal(level) == product_size_stock(product.type, row):
            continue
        if reason is None:
            raise ValidationFailed.field(
                "stock_reason",
                Message("Say why {field} changes; the reason is kept in the stock ledger",
                        field=f"sizes.{n}"),
            )  # fmt: skip
        session.flush()
        ledger.set_level(
            session, clock, product, Decimal(level), MovementKind.EDIT, document, actor.id,
            reason, size=item.size,
        )  # fmt: skip


def update_product(
    session: Session,
    actor: Actor,
    clock: Clock,
    product_id: uuid.UUID,
    data: ProductUpdate,
    photos: PhotoStore | None = None,
    *,
    low_stock: LowStockDefaults,
) -> Product:
    product = get_product(session, product_id)
    rules.own_branch(actor, product.branch_id)
    rules.directors_fields(actor, data.model_fields_set)
    changes = data.model_dump(exclude_unset=True)
    if "sell_price_usd" in changes:
        given_usd = rules.cents_or_none(changes["sell_price_usd"])
        rules.directors_price(actor, "sell_price_usd", product.sell_price_usd, given_usd)
    if changes.get("type") not in (None, product.type):
        raise ValidationFailed.field("type", "A product's type cannot change; add a new product")
    if changes.get("branch_id") not in (None, product.branch_id):
        raise ValidationFailed.field("branch_id", "Move stock to another branch with a transfer")
    for required in ("name", "category", "buy_price"):
        if required in changes and changes[required] is None:
            raise ValidationFailed.field(required, "Cannot be empty")
    before = audit.snapshot(product, AUDITED_FIELDS)

    # The ledger re-reads the row, so stock goes first, before any unsaved change.
    _edit_stock(session, actor, clock, product, changes, low_stock)

    collection = product.collection_ref
    if changes.get("collection") is not None or changes.get("collection_id") is not None:
        collection = master.resolve_collection(
            session, changes.get("collection"), changes.get("collection_id")
        )
    sizes_changed = (
        "available_sizes" in changes
        or data.sizes is not None
        or collection.id != product.collection_id
    )
    sizes = changes.get("available_sizes")
    sizes = product.available_sizes if sizes is None else sizes
    if data.sizes is not None:
        sizes = _size_names(product.type, data.sizes, changes.get("available_sizes") or [])
    checked_sizes = _checked(session, product.type, sizes, collection.id) if sizes_changed else None
    own_prices = _size_prices(actor, product.type, data.sizes)
    for field in ("sell_price_per_m2", "buy_price_per_m2", "price_step"):
        if field in changes:
            setattr(product, field, rules.cents_or_none(changes[field]))
    if "sell_price_usd" in changes:
        product.sell_price_usd = rules.cents_or_none(changes["sell_price_usd"])

    prices = rules.prices(
        product.type,
        changes.get("sell_price", product.sell_price),
        changes.get("sell_price_per_meter", product.sell_price_per_meter),
    )
    threshold = changes.get("low_stock_threshold", product.low_stock_threshold)
    rules.check_threshold(product.type, threshold)

    if changes.get("name") is not None:
        product.name = changes["name"]
        product.search_name = search_key(product.name)
    if changes.get("category") is not None:
        product.category = changes["category"]
    product.collection_id, product.collection_ref = collection.id, collection
    if changes.get("buy_price") is not None:
        product.buy_price = rules.cents(changes["buy_price"])
    product.sell_price = prices.sell_price
    product.sell_price_per_meter = prices.sell_price_per_meter
    product.low_stock_threshold = rules.cents_or_none(threshold)
    if "max_quantity" in changes:
        product.max_quantity = changes["max_quantity"]
    if "photo" in changes:
        photo = _store_photo(photos, changes["photo"]) if changes["photo"] else None
        product.photo = photo.url if photo else None
        product.photo_thumb = photo.thumb_url if photo else None
    repo = ProductRepository(session)
    if checked_sizes is not None:
        _resize(session, actor, clock, product, checked_sizes)
    if data.sizes is not None:
        _edit_sizes(session, actor, clock, product, data.sizes, own_prices, changes)
    product.updated_at = clock.now()
    repo.flush()
    stock_edited = any(before[f] != getattr(product, f) for f in ("quantity", "remaining_length"))
    # The director reads a stock edit's reason beside it (a seller's edits above all).
    also = {"stock_reason": changes.get("stock_reason")} if stock_edited else None
    audit.log_updated(session, actor, clock, ENTITY, product, before, also=also)
    return product


def delete_product(session: Session, actor: Actor, clock: Clock, product_id: uuid.UUID) -> None:
    repo = ProductRepository(session)
    product = get_product(session, product_id)
    if repo.has_sales(product.id):
        raise Conflict(
            "This product has sales history and cannot be deleted",
            details={"reason": "sales_history"},
        )
    in_transit = repo.transfers_in_transit(product.id)
    if in_transit:
        raise Conflict(
            "Receive or cancel this product's transfers first",
            details={"reason": "transfers_in_transit", "transfers": in_transit},
        )
    now = clock.now()
    repo.soft_delete(product, by=actor.id, at=now)
    audit.log_deleted(session, actor, clock, ENTITY, product.id, now)


def restore_product(session: Session, actor: Actor, clock: Clock, product_id: uuid.UUID) -> Product:
    repo = ProductRepository(session)
    product = repo.get(product_id)
    if product is None:
        raise NotFound.of("Product", product_id)
    if product.deleted_at is None:
        raise Conflict("This product is not deleted")
    if not BranchRepository(session).is_live(product.branch_id):
        raise Conflict("The product's branch is deleted; restore the branch first")
    deleted_at = product.deleted_at
    repo.restore(product)
    product.updated_at = clock.now()
    audit.log_restored(session, actor, clock, ENTITY, product.id, deleted_at)
    return product


def matching_in_branch(
    session: Session, actor: Actor, clock: Clock, template: Product, branch_id: uuid.UUID
) -> Product:
    """The product of `branch_id` that is the same goods as `template` (name, category,
    collection, type, sizes, prices), made empty if the branch has none yet."""
    repo = ProductRepository(session)
    wanted = sorted(template.available_sizes)
    for candidate in repo.same_as(template, branch_id):
        if sorted(candidate.available_sizes) == wanted:
            return candidate
    now = clock.now()
    product = repo.add(
        Product(
            name=template.name,
            search_name=template.search_name,
            category=template.category,
            collection_id=template.collection_id,
            collection_ref=template.collection_ref,
            type=template.type,
            buy_price=template.buy_price,
            sell_price=template.sell_price,
            sell_price_per_meter=template.sell_price_per_meter,
            quantity=0,
            total_length=None if template.type == ProductType.UNIT else ZERO,
            remaining_length=None if template.type == ProductType.UNIT else ZERO,
            max_quantity=template.max_quantity,
            available_sizes=list(template.available_sizes),
            photo=template.photo,
            photo_thumb=template.photo_thumb,
            low_stock_threshold=template.low_stock_threshold,
            branch_id=branch_id,
            created_at=now,
            updated_at=now,
        )
    )
    product.sell_price_per_m2 = template.sell_price_per_m2
    product.buy_price_per_m2 = template.buy_price_per_m2
    product.price_step = template.price_step
    own = {row.size: (row.sell_price, row.buy_price) for row in template.size_rows}
    rolls: dict[str | None, Decimal | None] = {s: ZERO for s in product.available_sizes}
    _add_size_rows(product, [parse_size(s) for s in product.available_sizes], own, rolls)
    repo.flush()
    changes = audit.created(audit.snapshot(product, AUDITED_FIELDS))
    changes["copied_from"] = {"old": None, "new": str(template.id)}
    audit.log(session, actor, clock, AuditAction.CREATE, ENTITY, product.id, changes)
    return product


# Drill-down and search


def facets(session: Session, scope: BranchScope, filters: ProductFilters) -> Facets:
    """The values one level below the filters, each with its product and in-stock counts."""
    level = drilldown.level(filters)
    return drilldown.shape(level, ProductRepository(session).facet_rows(level, scope, filters))


def search_hits(session: Session, scope: BranchScope, q: str, limit: int) -> list[SearchHit]:
    """Products for the global search (registered in carpet_shop.search.registry)."""
    hits = []
    for product in suggest(session, scope, q, limit):
        details = [product.category.value, product.collection_name, *product.available_sizes]
        hits.append(
            SearchHit(
                type=ENTITY,
                id=product.id,
                title=product.name,
                subtitle=" · ".join(details),
                branch_id=product.branch_id,
                thumbnail=product.photo_thumb,
            )
        )
    return hits


# Sizes that arrive (goods receipts, purchase orders)


def incoming_size(
    session: Session, product: Product, given: str | None, field: str
) -> tuple[str | None, bool]:
    """The size a purchase names, normalised, and whether the product lacks it yet.

    Left out, it is the product's only size (several: 422), as for every stock document. A
    size the product does not have is accepted when it can be one: a size of the product's
    collection for pieces, any W×L for a roll (its width × length as received); it is made
    by `add_size` when the goods arrive. A product without sizes takes none.
    """
    sizes = list(product.available_sizes or [])
    if given is None or given == "" or not sizes:
        return resolve_size(sizes, given, field), False
    try:
        name = parse_size(given)[0]
    except ValueError as exc:
        raise ValidationFailed.field(field, str(exc)) from exc
    if name in sizes:
        return name, False
    if product.type == ProductType.UNIT:
        unknown = master.unknown_sizes(session, [name], product.collection_id)
        if unknown:
            raise ValidationFailed.field(
                field,
                Message(
                    "Not sizes of this collection: {names}; add them under /api/sizes",
                    names=", ".join(unknown),
                ),
            )
    return name, True


def add_size(session: Session, actor: Actor, clock: Clock, product: Product, size: str) -> None:
    """Give the product a new, empty size (a roll: of no length yet); the ledger fills it.

    The caller holds the product's row (two receipts of a new size make it once)."""
    session.refresh(product, ["available_sizes"])
    if size in product.available_sizes:
        return
    before = audit.snapshot(product, ("available_sizes",))
    if "size_rows" in product.__dict__:
        session.refresh(product, ["size_rows"])
    _add_size_rows(product, [parse_size(size)], {}, {})
    product.available_sizes = [*product.available_sizes, size]
    product.updated_at = clock.now()
    session.flush()
    audit.log_updated(session, actor, clock, ENTITY, product, before)
