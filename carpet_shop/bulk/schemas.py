from __future__ import annotations

import enum
import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from carpet_shop.catalog.filters import ProductListQuery
from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber, PositiveMoney

MAX_PRODUCTS = 5000
ProductIds = Annotated[list[uuid.UUID], Field(min_length=1, max_length=MAX_PRODUCTS)]


class PriceField(enum.StrEnum):
    SELL = "sell_price"  # for a roll also its price per metre
    BUY = "buy_price"
    BOTH = "both"


class ChangeType(enum.StrEnum):
    PERCENTAGE = "percentage"  # value % up (or down, negative)
    FIXED = "fixed"  # value so'm up (or down, negative)
    SET = "set"  # the new price itself


class BulkPriceUpdate(RequestModel):
    product_ids: ProductIds | None = Field(default=None, description="These products…")
    filters: ProductListQuery | None = Field(
        default=None, description="…or every product the product list shows for these filters"
    )
    field: PriceField
    change_type: ChangeType
    value: Annotated[
        Decimal, Field(max_digits=14, decimal_places=2, allow_inf_nan=False, examples=[10])
    ]
    round_to: PositiveMoney | None = Field(
        default=None, description="Round each new price to a multiple of this (e.g. 1000)"
    )

    @model_validator(mode="after")
    def _one_selection(self) -> BulkPriceUpdate:
        if (self.product_ids is None) == (self.filters is None):
            raise ValueError("Send either product_ids or filters")
        if self.change_type == ChangeType.PERCENTAGE and self.value <= -100:
            raise ValueError("A percentage change must be above -100")
        if self.change_type == ChangeType.SET and self.value <= 0:
            raise ValueError("A new price must be more than zero")
        return self


class PriceChange(ReadModel):
    old: DecimalNumber
    new: DecimalNumber


class ProductPriceChange(ReadModel):
    product_id: uuid.UUID
    name: str
    branch_id: uuid.UUID
    changes: dict[str, PriceChange] = Field(description="Each price that changes: old and new")


class PriceProblem(ReadModel):
    product_id: uuid.UUID
    name: str
    field: str
    message: str


class BulkPriceResult(ReadModel):
    dry_run: bool
    matched: int = Field(description="Products selected")
    changed: int = Field(description="Products whose prices change")
    products: list[ProductPriceChange]
    errors: list[PriceProblem] = Field(description="Only in a dry run: what would refuse it")


class BulkDelete(RequestModel):
    product_ids: ProductIds


class BulkDeleteResult(ReadModel):
    deleted: int
    product_ids: list[uuid.UUID]
