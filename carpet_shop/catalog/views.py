"""How a product is shown: the director's view has the buy price, a seller's never does."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from carpet_shop.catalog.models import ProductType, standard_price_of, stock_of
from carpet_shop.catalog.schemas import ProductAdminRead, ProductRead
from carpet_shop.core.config import Settings
from carpet_shop.core.json_values import hundredths_number, id_text, instant_text, json_list


@dataclass(frozen=True)
class LowStockDefaults:
    """The threshold of products that set none: pieces for unit, metres for meter products."""

    pieces: Decimal
    metres: Decimal

    @property
    def pieces_hundredths(self) -> int:
        return int(self.pieces * 100)

    @property
    def metres_hundredths(self) -> int:
        return int(self.metres * 100)

    @classmethod
    def from_settings(cls, settings: Settings) -> LowStockDefaults:
        return cls(pieces=Decimal(settings.low_stock_pieces), metres=settings.low_stock_metres)

    def level(self, product: Any) -> Decimal:
        if product.low_stock_threshold is not None:
            threshold: Decimal = product.low_stock_threshold
            return threshold
        return self.metres if product.type == ProductType.METER else self.pieces


@dataclass(frozen=True)
class ProductViews:
    """Shapes a Product (`one`, `many`), or the product list's raw rows (`listed`)."""

    admin: bool
    defaults: LowStockDefaults

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
        }
        if self.admin:
            fields["buy_price"] = p.buy_price
        return fields

    def one(self, product: Any) -> ProductRead:
        return self.schema.model_validate(self.fields(product))

    def many(self, products: Iterable[Any]) -> list[ProductRead]:
        return [self.one(p) for p in products]

    def listed(self, rows: Iterable[Any]) -> list[dict[str, Any]]:
        """Rows of ProductRepository.listing_page (values as the driver returns them) as the
        JSON values `one` gives for the same products; a test compares the two. Money,
        lengths and stock stay whole hundredths until written, so this is exact."""
        pieces, metres = self.defaults.pieces_hundredths, self.defaults.metres_hundredths
        listed = []
        for row in rows:
            (
                id_, name, category, collection_id, collection, type_, buy_price, sell_price,
                per_meter, quantity, total_length, remaining_length, max_quantity, sizes, photo,
                photo_thumb, threshold, branch_id, created_at, updated_at, deleted_at, _total,
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
            }
            if self.admin:
                fields["buy_price"] = hundredths_number(buy_price)
            listed.append(fields)
        return listed
