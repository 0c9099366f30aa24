from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, AliasChoices, Field, StringConstraints

from carpet_shop.catalog.models import Category, ProductType
from carpet_shop.catalog.text import parse_size
from carpet_shop.core.schemas import ReadModel, RequestModel
from carpet_shop.core.types import DecimalNumber, Metres, PositiveMoney


def _normal_size(text: str) -> str:
    return parse_size(text)[0]


def _normal_sizes(sizes: list[str]) -> list[str]:
    # Each is already normalised; keep the first of duplicates, in the order given.
    return list(dict.fromkeys(sizes))


# Read from the ORM object's `collection_name`, or from a dict already shaped for output.
_COLLECTION_NAME = AliasChoices("collection_name", "collection")
SizeText = Annotated[
    str, StringConstraints(min_length=1, max_length=20), AfterValidator(_normal_size)
]
SizeList = Annotated[list[SizeText], Field(max_length=50), AfterValidator(_normal_sizes)]
CollectionName = Annotated[str, StringConstraints(min_length=1, max_length=60)]
Icon = Annotated[str, StringConstraints(min_length=1, max_length=16)]
ProductName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Pieces = Annotated[int, Field(ge=0, le=1_000_000)]
# A base64 image (optionally a data: URL), or the URL an upload returned. The body limit and
# the upload limit bound it; this only keeps the field from being unbounded.
StockReason = Annotated[str, StringConstraints(min_length=1, max_length=255)]
PhotoText = Annotated[str, StringConstraints(min_length=1, max_length=16_000_000)]


# Collections and sizes (master data)


class CollectionCreate(RequestModel):
    name: CollectionName = Field(examples=["Lara"])
    icon: Icon | None = Field(default=None, examples=["🌸"])


class CollectionUpdate(RequestModel):
    name: CollectionName | None = None
    icon: Icon | None = None


class CollectionRead(ReadModel):
    id: uuid.UUID
    name: str
    icon: str | None
    created_at: datetime
    updated_at: datetime


class SizeCreate(RequestModel):
    size: SizeText = Field(description="W×H in metres; × x X or * between", examples=["2×3"])
    collection_id: uuid.UUID | None = Field(
        default=None, description="Only for this collection; left out, for all of them"
    )


class SizeUpdate(RequestModel):
    size: SizeText | None = None
    collection_id: uuid.UUID | None = Field(
        default=None, description="Send null to offer the size for every collection"
    )


class SizeRead(ReadModel):
    id: uuid.UUID
    size: str
    width: DecimalNumber
    height: DecimalNumber
    collection_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


# Products


class SizeStockIn(RequestModel):
    """One of a product's sizes with its own stock and prices (sizes are stock). A unit
    product's size counts `quantity`; a meter product's size is one roll of that width
    (`size` is W×L as received; `total_length` defaults to L). Prices left out come from the
    product: its rate per m² (pieces), else its own price."""

    size: SizeText = Field(examples=["3×4"])
    quantity: Pieces | None = None
    total_length: Metres | None = None
    remaining_length: Metres | None = None
    sell_price: PositiveMoney | None = Field(default=None, description="Per piece")
    buy_price: PositiveMoney | None = Field(default=None, description="Per piece; the director's")
    sell_price_per_meter: PositiveMoney | None = Field(default=None, description="Rolls")
    buy_price_per_meter: PositiveMoney | None = Field(
        default=None, description="Rolls; the director's"
    )


SizeStockList = Annotated[list[SizeStockIn], Field(max_length=50)]
PriceStep = Annotated[Decimal, Field(gt=0, le=1_000_000, max_digits=9, decimal_places=2)]


class ProductCreate(RequestModel):
    """A unit product counts `quantity`; a meter product `total_length` / `remaining_length`."""

    name: ProductName = Field(examples=["Lara 2×3 bej"])
    category: Category
    collection: CollectionName | None = Field(
        default=None, description="The collection's name (or send collection_id)"
    )
    collection_id: uuid.UUID | None = None
    type: ProductType = ProductType.UNIT
    buy_price: PositiveMoney | None = Field(
        default=None,
        description="Per piece, or per metre for meter products. The director's alone: "
        "required from the director, refused (403) from a seller; a product a seller adds "
        "waits for its cost (GET /api/products/without-cost) and is not sold until priced",
    )
    sell_price: PositiveMoney | None = None
    sell_price_per_meter: PositiveMoney | None = None
    quantity: Pieces = 0
    total_length: Metres | None = None
    remaining_length: Metres | None = None
    max_quantity: Pieces | None = None
    available_sizes: SizeList = Field(default_factory=list, examples=[["2×3", "3×4"]])
    sizes: SizeStockList | None = Field(
        default=None,
        description="Sizes with their own stock and prices (instead of available_sizes and "
        "one quantity, which is placed on the first size)",
    )
    sell_price_per_m2: PositiveMoney | None = Field(
        default=None,
        description="Pieces priced by area: a size without its own price costs "
        "width × height × this, rounded half up to price_step",
    )
    buy_price_per_m2: PositiveMoney | None = Field(default=None, description="The director's")
    price_step: PriceStep | None = Field(
        default=None, description="Prices by area are rounded to this many so'm; left out, 1"
    )
    sell_price_usd: PositiveMoney | None = Field(
        default=None,
        description="A list price in US dollars (the director's), shown in so'm at today's "
        "rate as sell_price_usd_uzs; sales are still rung up in so'm",
    )
    photo: PhotoText | None = None
    low_stock_threshold: Metres | None = Field(
        default=None, description="Pieces or metres; left out, the shop's default"
    )
    branch_id: uuid.UUID | None = Field(
        default=None, description="Required for the director; a seller's own branch otherwise"
    )


class ProductUpdate(RequestModel):
    """Only the fields sent change. Stock edits are recorded in the ledger as `edit`."""

    name: ProductName | None = None
    category: Category | None = None
    collection: CollectionName | None = None
    collection_id: uuid.UUID | None = None
    type: ProductType | None = None
    buy_price: PositiveMoney | None = None
    sell_price: PositiveMoney | None = None
    sell_price_per_meter: PositiveMoney | None = None
    quantity: Pieces | None = None
    total_length: Metres | None = None
    remaining_length: Metres | None = None
    max_quantity: Pieces | None = None
    available_sizes: SizeList | None = None
    sizes: SizeStockList | None = Field(
        default=None,
        description="Every size with its stock and prices; a size left out is removed (only "
        "when it has no stock). Stock changes are `edit` movements (stock_reason required)",
    )
    sell_price_per_m2: PositiveMoney | None = None
    buy_price_per_m2: PositiveMoney | None = None
    price_step: PriceStep | None = None
    sell_price_usd: PositiveMoney | None = Field(
        default=None, description="The director's; null removes the dollar price"
    )
    photo: PhotoText | None = Field(default=None, description="null removes the photo")
    low_stock_threshold: Metres | None = None
    branch_id: uuid.UUID | None = Field(
        default=None, description="Cannot change: move stock with a transfer"
    )
    stock_reason: StockReason | None = Field(
        default=None,
        description="Why quantity or remaining_length changes (required then); kept on the "
        "ledger movement and in the audit log",
    )


class SizeStockRead(ReadModel):
    """One size as a seller sees it: never a buy price. Unit products fill `quantity` and
    `sell_price`; rolls `total_length`, `remaining_length`, `sell_price_per_meter` and
    `is_offcut`."""

    size: str
    width: DecimalNumber
    height: DecimalNumber | None = None
    quantity: int | None = None
    sell_price: DecimalNumber | None = None
    total_length: DecimalNumber | None = None
    remaining_length: DecimalNumber | None = None
    sell_price_per_meter: DecimalNumber | None = None
    is_offcut: bool | None = None
    stock: DecimalNumber = Field(description="Pieces or metres of this size")
    in_stock: bool
    is_low_stock: bool


class SizeStockAdminRead(SizeStockRead):
    buy_price: DecimalNumber | None = None
    buy_price_per_meter: DecimalNumber | None = None


class ProductRead(ReadModel):
    """What a seller sees: never the buy price."""

    id: uuid.UUID
    name: str
    category: Category
    collection_id: uuid.UUID
    collection: str = Field(validation_alias=_COLLECTION_NAME)
    type: ProductType
    sell_price: DecimalNumber
    sell_price_per_meter: DecimalNumber | None
    standard_price: DecimalNumber = Field(description="Price of one piece or one metre")
    quantity: int
    total_length: DecimalNumber | None
    remaining_length: DecimalNumber | None
    stock: DecimalNumber = Field(description="Pieces or metres on hand")
    in_stock: bool
    max_quantity: int | None
    available_sizes: list[str]
    sizes: list[SizeStockRead] = Field(
        default_factory=list, description="Each size's stock and prices (sizes are stock)"
    )
    sell_price_per_m2: DecimalNumber | None = None
    price_step: DecimalNumber | None = None
    needs_count: bool = Field(
        default=False, description="Stock was put on one of several sizes: count it per size"
    )
    sell_price_usd: DecimalNumber | None = Field(
        default=None, description="The list price in US dollars, when the product has one"
    )
    sell_price_usd_uzs: DecimalNumber | None = Field(
        default=None,
        description="sell_price_usd in so'm at the rate in force today, rounded half up to "
        "the tiyin; null without a dollar price or without any rate recorded",
    )
    photo: str | None = Field(description="URL of the full image")
    photo_thumb: str | None = Field(description="URL of the thumbnail")
    low_stock_threshold: DecimalNumber | None = Field(
        description="The product's own threshold; null uses the shop's default"
    )
    low_stock_level: DecimalNumber = Decimal("0")
    is_low_stock: bool = False
    branch_id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


class ProductAdminRead(ProductRead):
    buy_price: DecimalNumber | None = Field(
        description="null: added by a seller, waiting for the director's cost"
    )
    buy_price_per_m2: DecimalNumber | None = None
    sizes: list[SizeStockAdminRead] = Field(default_factory=list)  # type: ignore[assignment]


# The director gets ProductAdminRead, a seller ProductRead (catalog.views decides).
AnyProductRead = ProductAdminRead | ProductRead


ProductSort = Literal[
    "name", "-name", "price", "-price", "quantity", "-quantity", "created_at", "-created_at"
]


class ProductSuggestion(ReadModel):
    """A compact row for quick find while selling."""

    id: uuid.UUID
    name: str
    category: Category
    collection: str = Field(validation_alias=_COLLECTION_NAME)
    type: ProductType
    standard_price: DecimalNumber
    stock: DecimalNumber
    in_stock: bool
    available_sizes: list[str]
    photo_thumb: str | None
    branch_id: uuid.UUID


FacetLevel = Literal["category", "collection", "width", "height"]


class FacetValue(ReadModel):
    value: str = Field(description="Pass it as the filter of the next level")
    metres: DecimalNumber | None = Field(default=None, description="Widths and heights")
    id: uuid.UUID | None = Field(default=None, description="Collections")
    icon: str | None = None
    count: int = Field(description="Products")
    in_stock: int = Field(description="Products with stock")


class Facets(ReadModel):
    level: FacetLevel
    items: list[FacetValue]


class PhotoUpload(ReadModel):
    url: str = Field(examples=["/uploads/products/0f3c…_full.jpg"])
    thumb_url: str
    width: int
    height: int
