from __future__ import annotations

import enum
import uuid
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carpet_shop.core.models import Base, IdMixin, SoftDeleteMixin, TimestampMixin


class Category(enum.StrEnum):
    """Spelled as the specification spells them."""

    GILAMLAR = "Gilamlar"
    PALOSLAR = "Paloslar"
    JOYNAMOZLAR = "Joynamozlar"
    METRAJLAR = "Metrajlar"
    OVALNIY = "Ovalniy"
    KOVRIY = "Kovriy"


class ProductType(enum.StrEnum):
    UNIT = "unit"  # dona: sold by the piece
    METER = "meter"  # metraj: cut from a roll and sold by the metre


def stock_of(type: ProductType, quantity: int, remaining_length: Decimal | None) -> Decimal:
    """Pieces or metres on hand, whichever the product counts (also for rows read as columns)."""
    if type == ProductType.METER:
        return remaining_length or Decimal("0")
    return Decimal(quantity)


def standard_price_of(
    type: ProductType, sell_price: Decimal, sell_price_per_meter: Decimal | None
) -> Decimal:
    """The list price of one piece or one metre."""
    if type == ProductType.METER and sell_price_per_meter is not None:
        return sell_price_per_meter
    return sell_price


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


class Collection(IdMixin, TimestampMixin, Base):
    __tablename__ = "collections"

    name: Mapped[str] = mapped_column(String(60), unique=True)
    icon: Mapped[str | None] = mapped_column(String(16))


class Size(IdMixin, TimestampMixin, Base):
    """A carpet size `W×H` in metres; with no collection it is offered for all of them."""

    __tablename__ = "sizes"

    size: Mapped[str] = mapped_column(String(20))
    width: Mapped[Decimal]
    height: Mapped[Decimal]
    collection_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (
        # NULLs are distinct in a unique index, so sizes for all collections need their own.
        Index(
            "uq_sizes_size_collection",
            "size",
            "collection_id",
            unique=True,
            sqlite_where=text("collection_id IS NOT NULL"),
            postgresql_where=text("collection_id IS NOT NULL"),
        ),
        Index(
            "uq_sizes_size_global",
            "size",
            unique=True,
            sqlite_where=text("collection_id IS NULL"),
            postgresql_where=text("collection_id IS NULL"),
        ),
        Index("ix_sizes_width_height", "width", "height"),
        CheckConstraint("width > 0 AND height > 0", name="positive"),
    )


class Product(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """One line of stock in one branch.

    Unit products count whole pieces in `quantity`. Meter products keep the roll's
    `total_length` and `remaining_length` in metres; their prices are per metre.
    The stock columns change only through the inventory ledger.
    """

    __tablename__ = "products"

    name: Mapped[str] = mapped_column(String(200))
    # The name folded for search: lower case, every Uzbek apostrophe variant made one.
    search_name: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[Category] = mapped_column(_enum(Category, "product_category"))
    collection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("collections.id"))
    type: Mapped[ProductType] = mapped_column(_enum(ProductType, "product_type"))
    # None: added by a seller, waiting for the director's cost (not sold until then).
    buy_price: Mapped[Decimal | None]
    sell_price: Mapped[Decimal]
    sell_price_per_meter: Mapped[Decimal | None]
    quantity: Mapped[int] = mapped_column(default=0)
    total_length: Mapped[Decimal | None]
    remaining_length: Mapped[Decimal | None]
    max_quantity: Mapped[int | None]
    available_sizes: Mapped[list[str]] = mapped_column(JSON, default=list)
    photo: Mapped[str | None] = mapped_column(String(255))
    photo_thumb: Mapped[str | None] = mapped_column(String(255))
    low_stock_threshold: Mapped[Decimal | None]
    # Prices by area: a size without its own price costs width × height × rate, rounded
    # half up to `price_step` so'm (null: to whole so'm; see catalog.sizes.area_price).
    sell_price_per_m2: Mapped[Decimal | None]
    buy_price_per_m2: Mapped[Decimal | None]
    price_step: Mapped[Decimal | None]
    # A dollar list price, shown in so'm at today's rate (currency/conversion.py).
    sell_price_usd: Mapped[Decimal | None] = mapped_column(default=None)
    # Stock was put on one of several sizes by a rule (the migration to stock per size, or a
    # product created with one quantity): listed by GET /api/inventory/needs-count until the
    # director counts it per size.
    needs_count: Mapped[bool] = mapped_column(default=False, server_default=false())
    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("branches.id"), index=True)

    # Loaded in one extra query per batch of products, never one per product.
    collection_ref: Mapped[Collection] = relationship(lazy="selectin")
    # Its sizes' stock rows (any order: `available_sizes` holds the order). Added and removed
    # by the catalog; their stock columns change only through the ledger.
    size_rows: Mapped[list[ProductSize]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint(
            "remaining_length IS NULL OR remaining_length >= 0", name="length_not_negative"
        ),
        CheckConstraint(
            "remaining_length IS NULL OR total_length IS NULL OR remaining_length <= total_length",
            name="length_within_roll",
        ),
        CheckConstraint("buy_price > 0 AND sell_price > 0", name="prices_positive"),
        Index("idx_products_branch_category", "branch_id", "category"),
        Index("idx_products_collection", "collection_id"),
        Index(
            "ix_products_live_name",
            "name",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    @property
    def stock(self) -> Decimal:
        """Pieces or metres on hand, whichever this product counts."""
        return stock_of(self.type, self.quantity, self.remaining_length)

    @property
    def collection_name(self) -> str:
        return self.collection_ref.name

    @property
    def unit(self) -> str:
        """What stock and movements count: "pcs" (pieces) or "m" (metres)."""
        return "m" if self.type == ProductType.METER else "pcs"

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def standard_price(self) -> Decimal:
        """The list price of one piece or one metre."""
        return standard_price_of(self.type, self.sell_price, self.sell_price_per_meter)


class ProductSize(Base):
    """One of a product's `available_sizes`: its own stock and prices (sizes are stock).

    A unit product's size counts pieces in `quantity`; a meter product's size is one roll of
    that width (`size` is the roll's W×L as received) with `total_length` and
    `remaining_length`. The product's own stock columns are the sum of its sizes'. Prices
    left null come from the product (its rate per m², else its own price). Stock changes
    only through the inventory ledger, like the product's.
    """

    __tablename__ = "product_sizes"

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    size: Mapped[str] = mapped_column(String(20), primary_key=True)
    width: Mapped[Decimal]
    height: Mapped[Decimal]
    quantity: Mapped[int] = mapped_column(default=0, server_default="0")
    total_length: Mapped[Decimal | None]
    remaining_length: Mapped[Decimal | None]
    # Per piece for a unit product, per metre for a roll.
    sell_price: Mapped[Decimal | None]
    buy_price: Mapped[Decimal | None]

    __table_args__ = (Index("ix_product_sizes_width_height", "width", "height"),)
