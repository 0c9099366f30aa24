"""How a product is shown: the director's view has the buy price, a seller's never does."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from carpet_shop.catalog.models import Product, ProductType
from carpet_shop.catalog.schemas import ProductAdminRead, ProductRead
from carpet_shop.core.config import Settings


@dataclass(frozen=True)
class LowStockDefaults:
    """The threshold of products that set none: pieces for unit, metres for meter products."""

    pieces: Decimal
    metres: Decimal

    @classmethod
    def from_settings(cls, settings: Settings) -> LowStockDefaults:
        return cls(pieces=Decimal(settings.low_stock_pieces), metres=settings.low_stock_metres)

    def level(self, product: Product) -> Decimal:
        if product.low_stock_threshold is not None:
            return product.low_stock_threshold
        return self.metres if product.type == ProductType.METER else self.pieces


@dataclass(frozen=True)
class ProductViews:
    admin: bool
    defaults: LowStockDefaults

    def one(self, product: Product) -> ProductRead:
        schema = ProductAdminRead if self.admin else ProductRead
        view = schema.model_validate(product)
        level = self.defaults.level(product)
        return view.model_copy(
            update={"low_stock_level": level, "is_low_stock": product.stock <= level}
        )

    def many(self, products: Iterable[Product]) -> list[ProductRead]:
        return [self.one(p) for p in products]
