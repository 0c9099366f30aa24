"""How a product is shown: the director's view has the buy price, a seller's never does."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from carpet_shop.catalog.models import ProductType, standard_price_of, stock_of
from carpet_shop.catalog.schemas import (
    ProductAdminRead,
    ProductRead,
    SizeStockAdminRead,
    SizeStockRead,
)
from carpet_shop.catalog.sizes import DEFAULT_OFFCUT_LENGTH, is_offcut, size_price
from carpet_shop.core.config import Settings
from carpet_shop.core.json_values import hundredths_number, id_text, instant_text, json_list
from carpet_shop.currency.pricing import som_price


@dataclass(frozen=True)
class LowStockDefaults:
    """The threshold of products that set none: pieces for unit, metres for meter products."""

    pieces: Decimal
    metres: Decimal
    offcut: Decimal = DEFAULT_OFFCUT_LENGTH

    @property
    def pieces_hundredths(self) -> int:
        return int(self.pieces * 100)

    @property
    def metres_hundredths(self) -> int:
        return int(self.metres * 100)

    @classmethod
    def from_settings(cls, settings: Settings) -> LowStockDefaults:
        return cls(
            pieces=Decimal(settings.low_stock_pieces),
            metres=settings.low_stock_metres,
            offcut=settings.offcut_length,
        )

    def level(self, product: Any) -> Decimal:
        if product.low_stock_threshold is not None:
            threshold: Decimal = product.low_stock_threshold
            return threshold
        return self.metres if product.type == ProductType.METER else self.pieces


def _hundredths(value: Any) -> Decimal | None:
    """A hundredths column read raw (an integer) or through its type (a Decimal)."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(int(value)) / 100


@dataclass(frozen=True)
class SizeFacts:
    """What a product's size shows, read from a ProductSize or a row of the same columns."""

    size: str
    width: Decimal
    height: Decimal
    quantity: int
    total_length: Decimal | None
    remaining_length: Decimal | None
    sell_price: Decimal | None
    buy_price: Decimal | None


_SIZE_KEYS = tuple(SizeStockRead.model_fields)
_SIZE_KEYS_ADMIN = tuple(SizeStockAdminRead.model_fields)


def size_fields(
    p: Any, sizes: Iterable[SizeFacts], admin: bool, level: Decimal, offcut: Decimal
) -> tuple[list[dict[str, Any]], Decimal | None]:
    """A product's `sizes` in the order of its available_sizes, and the summary price (the
    only size's, or the lowest)."""
    order = {s: n for n, s in enumerate(p.available_sizes or [])}
    meter = p.type == ProductType.METER
    sell_rate, buy_rate = p.sell_price_per_m2, getattr(p, "buy_price_per_m2", None)
    own_price = p.sell_price_per_meter if meter and p.sell_price_per_meter else p.sell_price
    shown, prices = [], []
    for row in sorted(sizes, key=lambda r: (order.get(r.size, len(order)), r.size)):
        stock = stock_of(p.type, row.quantity, row.remaining_length)
        sell = size_price(
            row.sell_price, sell_rate, row.width, row.height, p.price_step, own_price, meter=meter
        )
        prices.append(sell)
        fields: dict[str, Any] = dict.fromkeys(_SIZE_KEYS_ADMIN if admin else _SIZE_KEYS)
        fields |= {
            "size": row.size,
            "width": row.width,
            "height": row.height,
            "stock": stock,
            "in_stock": stock > 0,
            "is_low_stock": stock <= level,
        }
        if meter:
            fields |= {
                "total_length": row.total_length,
                "remaining_length": row.remaining_length,
                "sell_price_per_meter": sell,
                "is_offcut": is_offcut(row.remaining_length, offcut),
            }
        else:
            fields |= {"quantity": row.quantity, "sell_price": sell}
        if admin:
            buy = size_price(
                row.buy_price, buy_rate, row.width, row.height, p.price_step, p.buy_price,
                meter=meter,
            )  # fmt: skip
            fields["buy_price_per_meter" if meter else "buy_price"] = buy
        shown.append(fields)
    known = [price for price in prices if price is not None]
    return shown, (min(known) if known else None)


def facts_of(rows: Iterable[Any]) -> list[SizeFacts]:
    return [
        SizeFacts(
            r.size,
            _hundredths(r.width) or Decimal(0),
            _hundredths(r.height) or Decimal(0),
            int(r.quantity or 0),
            _hundredths(r.total_length),
            _hundredths(r.remaining_length),
            _hundredths(r.sell_price),
            _hundredths(r.buy_price),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ProductViews:
    """Shapes a Product (`one`, `many`), or the product list's raw rows (`listed`)."""

    admin: bool
    defaults: LowStockDefaults
    # So'm per dollar in force today (catalog.service.priced_views): dollar list prices are
    # shown in so'm at it. Part of the kept product pages' key, so a new rate is a new page.
    usd_rate: Decimal | None = None

    @property
    def schema(self) -> type[ProductRead]:
        return ProductAdminRead if self.admin else ProductRead

    def fields(self, p: Any) -> dict[str, Any]:
        """The response fields of one product, as plain values."""
        stock = stock_of(p.type, p.quantity, p.remaining_length)
        level = self.defaults.level(p)
        fields = {
            "id": p.id,
            "name": p.name,
            "category": p.category,
            "collection_id": p.collection_id,
            "collection": p.collection_name,
            "type": p.type,
            "sell_price": p.sell_price,
            "sell_price_per_meter": p.sell_price_per_meter,
            "standard_price": standard_price_of(p.type, p.sell_price, p.sell_price_per_meter),
            "quantity": p.quantity,
            "total_length": p.total_length,
            "remaining_length": p.remaining_length,
            "stock": stock,
            "in_stock": stock > 0,
            "max_quantity": p.max_quantity,
            "available_sizes": p.available_sizes or [],
            "photo": p.photo,
            "photo_thumb": p.photo_thumb,
            "low_stock_threshold": p.low_stock_threshold,
            "low_stock_level": level,
            "is_low_stock": stock <= level,
            "branch_id": p.branch_id,
            "created_at": p.created_at,
            "updated_at": p.updated_at,
            "deleted_at": p.deleted_at,
            "sell_price_per_m2": p.sell_price_per_m2,
            "price_step": p.price_step,
            "needs_count": p.needs_count,
            "sell_price_usd": p.sell_price_usd,
            "sell_price_usd_uzs": som_price(p.sell_price_usd, self.usd_rate),
        }
        sizes, lowest = size_fields(
            p, facts_of(p.size_rows), self.admin, level, self.defaults.offcut
        )
        fields["sizes"] = sizes
        if sizes:
            # Low when any size is: the low-stock list shows it, and its sizes say which.
            fields["is_low_stock"] = any(s["is_low_stock"] for s in sizes)
        if lowest is not None and p.type == ProductType.UNIT:
            fields["sell_price"] = lowest
            fields["standard_price"] = lowest
        if self.admin:
            fields["buy_price"] = p.buy_price
            fields["buy_price_per_m2"] = p.buy_price_per_m2
        return fields

    def one(self, product: Any) -> ProductRead:
        return self.schema.model_validate(self.fields(product))

    def many(self, products: Iterable[Any]) -> list[ProductRead]:
        return [self.one(p) for p in products]

    def listed(
        self, rows: Iterable[Any], size_rows: dict[Any, list[SizeFacts]] | None = None
    ) -> list[dict[str, Any]]:
        """Rows of ProductRepository.listing_page (values as the driver returns them) as the
        JSON values `one` gives for the same products; a test compares the two. Money,
        lengths and stock stay whole hundredths until written, so this is exact."""
        pieces, metres = self.defaults.pieces_hundredths, self.defaults.metres_hundredths
        listed = []
        for row in rows:
            (
                id_, name, category, collection_id, collection, type_, buy_price, sell_price,
                per_meter, quantity, total_length, remaining_length, max_quantity, sizes, photo,
                photo_thumb, threshold, branch_id, created_at, updated_at, deleted_at,
                sell_per_m2, buy_per_m2, price_step, needs_count, price_usd, _total,
            ) = row  # fmt: skip
            is_meter = type_ == ProductType.METER
            stock = (remaining_length or 0) if is_meter else quantity * 100
            level = threshold if threshold is not None else metres if is_meter else pieces
            fields = {
                "id": id_text(id_),
                "name": name,
                "category": category,
                "collection_id": id_text(collection_id),
                "collection": collection,
                "type": type_,
                "sell_price": hundredths_number(sell_price),
                "sell_price_per_meter": hundredths_number(per_meter),
                "standard_price": hundredths_number(
                    per_meter if is_meter and per_meter is not None else sell_price
                ),
                "quantity": quantity,
                "total_length": hundredths_number(total_length),
                "remaining_length": hundredths_number(remaining_length),
                "stock": hundredths_number(stock),
                "in_stock": stock > 0,
                "max_quantity": max_quantity,
                "available_sizes": json_list(sizes),
                "photo": photo,
                "photo_thumb": photo_thumb,
                "low_stock_threshold": hundredths_number(threshold),
                "low_stock_level": hundredths_number(level),
                "is_low_stock": stock <= level,
                "branch_id": id_text(branch_id),
                "created_at": instant_text(created_at),
                "updated_at": instant_text(updated_at),
                "deleted_at": instant_text(deleted_at),
                "sell_price_per_m2": hundredths_number(sell_per_m2),
                "price_step": hundredths_number(price_step),
                "needs_count": bool(needs_count),
                "sell_price_usd": hundredths_number(price_usd),
                "sell_price_usd_uzs": _number(som_price(_hundredths(price_usd), self.usd_rate)),
            }
            facts = (size_rows or {}).get(id_text(id_), [])
            shown, lowest = size_fields(
                _Priced(
                    type_, list(fields["available_sizes"]), _hundredths(sell_per_m2),
                    _hundredths(buy_per_m2), _hundredths(price_step), _hundredths(per_meter),
                    _hundredths(sell_price), _hundredths(buy_price),
                ),
                facts,
                self.admin,
                _hundredths(level) or Decimal(0),
                self.defaults.offcut,
            )  # fmt: skip
            fields["sizes"] = [_json_values(one) for one in shown]
            if shown:
                fields["is_low_stock"] = any(one["is_low_stock"] for one in shown)
            if lowest is not None and not is_meter:
                fields["sell_price"] = fields["standard_price"] = _number(lowest)
            if self.admin:
                fields["buy_price"] = hundredths_number(buy_price)
                fields["buy_price_per_m2"] = hundredths_number(buy_per_m2)
            listed.append(fields)
        return listed


@dataclass(frozen=True)
class _Priced:
    """What a listed row gives `size_fields` of its product."""

    type: ProductType
    available_sizes: list[str]
    sell_price_per_m2: Decimal | None
    buy_price_per_m2: Decimal | None
    price_step: Decimal | None
    sell_price_per_meter: Decimal | None
    sell_price: Decimal | None
    buy_price: Decimal | None


def _number(value: Decimal | None) -> int | float | None:
    return None if value is None else hundredths_number(int(value * 100))


def _json_values(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: _number(v) if isinstance(v, Decimal) else v for k, v in fields.items()}
