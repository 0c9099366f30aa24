"""Catalog sizes as numbers, product search names, unique global sizes; transfers.

Revision ID: 90c871c3a2d4
Revises: a49c94e18074
Create Date: 2026-11-22 01:26:31.418105
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carpet_shop.core.types

revision: str = "90c871c3a2d4"
down_revision: str | None = "a49c94e18074"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A copy of carpet_shop.catalog.text.search_key as it was when this ran: migrations must not
# change meaning when the application's code does.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u02bb\u02bc\u2018\u2019\u0060\u00b4", "'"))


def _search_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()


def _fill_search_names() -> None:
    products = sa.table(
        "products", sa.column("id", sa.Uuid()), sa.column("name"), sa.column("search_name")
    )
    conn = op.get_bind()
    for product_id, name in conn.execute(sa.select(products.c.id, products.c.name)).all():
        conn.execute(
            products.update()
            .where(products.c.id == product_id)
            .values(search_name=_search_key(name))
        )


def upgrade() -> None:
    op.create_table(
        "product_sizes",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("size", sa.String(length=20), nullable=False),
        sa.Column("width", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("height", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_sizes_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "size", name=op.f("pk_product_sizes")),
    )
    with op.batch_alter_table("product_sizes", schema=None) as batch_op:
        batch_op.create_index("ix_product_sizes_width_height", ["width", "height"], unique=False)

    op.create_table(
        "transfers",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("from_branch_id", sa.Uuid(), nullable=False),
        sa.Column("to_branch_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "in_transit",
                "completed",
                "cancelled",
                name="transfer_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("target_product_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=255), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_by_id", sa.Uuid(), nullable=True),
        sa.Column("received_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.Uuid(), nullable=True),
        sa.Column("cancelled_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "from_branch_id <> to_branch_id", name=op.f("ck_transfers_between_branches")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_transfers_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"],
            ["users.id"],
            name=op.f("fk_transfers_cancelled_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_transfers_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_branch_id"], ["branches.id"], name=op.f("fk_transfers_from_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_transfers_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"],
            ["users.id"],
            name=op.f("fk_transfers_received_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_product_id"],
            ["products.id"],
            name=op.f("fk_transfers_target_product_id_products"),
        ),
        sa.ForeignKeyConstraint(
            ["to_branch_id"], ["branches.id"], name=op.f("fk_transfers_to_branch_id_branches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transfers_from_status", ["from_branch_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_transfers_product_id"), ["product_id"], unique=False)
        batch_op.create_index("ix_transfers_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index("ix_transfers_to_status", ["to_branch_id", "status"], unique=False)

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_name", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.drop_index(batch_op.f("ix_products_collection_id"))
        batch_op.create_index("idx_products_collection", ["collection_id"], unique=False)
    _fill_search_names()
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.alter_column("search_name", server_default=None)

    with op.batch_alter_table("sizes", schema=None) as batch_op:
        batch_op.create_index("ix_sizes_width_height", ["width", "height"], unique=False)
        # NULL collection_ids are distinct in a unique index: split it in two partial ones.
        batch_op.drop_index("uq_sizes_size_collection")
        batch_op.create_index(
            "uq_sizes_size_collection",
            ["size", "collection_id"],
            unique=True,
            sqlite_where=sa.text("collection_id IS NOT NULL"),
            postgresql_where=sa.text("collection_id IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_sizes_size_global",
            ["size"],
            unique=True,
            sqlite_where=sa.text("collection_id IS NULL"),
            postgresql_where=sa.text("collection_id IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("sizes", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_sizes_size_global",
            sqlite_where=sa.text("collection_id IS NULL"),
            postgresql_where=sa.text("collection_id IS NULL"),
        )
        batch_op.drop_index(
            "uq_sizes_size_collection",
            sqlite_where=sa.text("collection_id IS NOT NULL"),
            postgresql_where=sa.text("collection_id IS NOT NULL"),
        )
        batch_op.create_index("uq_sizes_size_collection", ["size", "collection_id"], unique=True)
        batch_op.drop_index("ix_sizes_width_height")

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("idx_products_collection")
        batch_op.create_index(
            batch_op.f("ix_products_collection_id"), ["collection_id"], unique=False
        )
        batch_op.drop_column("search_name")

    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_transfers_to_status")
        batch_op.drop_index("ix_transfers_status_created")
        batch_op.drop_index(batch_op.f("ix_transfers_product_id"))
        batch_op.drop_index("ix_transfers_from_status")

    op.drop_table("transfers")
    with op.batch_alter_table("product_sizes", schema=None) as batch_op:
        batch_op.drop_index("ix_product_sizes_width_height")

    op.drop_table("product_sizes")
