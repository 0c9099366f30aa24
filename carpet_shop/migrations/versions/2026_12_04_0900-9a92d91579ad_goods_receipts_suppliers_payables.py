"""Goods come in: suppliers, purchase orders, goods receipts, payables, USD rates.

Also the shop-wide document counters (PO-000123, GR-000123), made here with their first
kinds, the purchasing settings row-to-be, and products.sell_price_usd.

Revision ID: 9a92d91579ad
Revises: c4a7e2d19b35
Create Date: 2026-12-04 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from carpet_shop.core.types import Hundredths, UTCDateTime

revision: str = "9a92d91579ad"
down_revision: str | None = "c4a7e2d19b35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_counters",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_document_counters")),
    )
    counters = sa.table(
        "document_counters", sa.column("kind", sa.String), sa.column("last_number", sa.Integer)
    )
    op.bulk_insert(counters, [{"kind": "PO", "last_number": 0}, {"kind": "GR", "last_number": 0}])
    op.create_table(
        "purchase_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "cost_rule",
            sa.Enum(
                "last_price", "weighted_average", name="cost_rule", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_settings")),
    )
    op.create_table(
        "currency_rates",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rate", Hundredths(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("rate > 0", name=op.f("ck_currency_rates_rate_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_currency_rates_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_currency_rates")),
        sa.UniqueConstraint("day", name=op.f("uq_currency_rates_day")),
    )
    op.create_table(
        "suppliers",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("search_name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("country", sa.String(length=60), nullable=True),
        sa.Column(
            "currency", sa.Enum("UZS", "USD", name="currency", native_enum=False), nullable=False
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_suppliers_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["users.id"],
            name=op.f("fk_suppliers_deleted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
    )
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suppliers_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index("ix_suppliers_search_name", ["search_name"], unique=False)
        batch_op.create_index(
            "uq_suppliers_phone_live",
            ["phone"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "purchase_orders",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "ordered",
                "partially_received",
                "received",
                "cancelled",
                name="purchase_order_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("expected_date", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("ordered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_purchase_orders_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_purchase_orders_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["suppliers.id"], name=op.f("fk_purchase_orders_supplier_id_suppliers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_purchase_orders_number")),
    )
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_orders_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index("ix_purchase_orders_status", ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_purchase_orders_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "goods_receipts",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("purchase_order_id", sa.Uuid(), nullable=True),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "complete",
                "awaiting_cost",
                name="goods_receipt_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("on_credit", sa.Boolean(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("allow_over_receipt", sa.Boolean(), nullable=False),
        sa.Column("rate", Hundredths(), nullable=True),
        sa.Column("total_uzs", Hundredths(), nullable=True),
        sa.Column("total_usd", Hundredths(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "NOT on_credit OR due_date IS NOT NULL",
            name=op.f("ck_goods_receipts_credit_has_due_date"),
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_goods_receipts_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_goods_receipts_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_goods_receipts_purchase_order_id_purchase_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["suppliers.id"], name=op.f("fk_goods_receipts_supplier_id_suppliers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goods_receipts")),
        sa.UniqueConstraint("number", name=op.f("uq_goods_receipts_number")),
    )
    with op.batch_alter_table("goods_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_goods_receipts_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_goods_receipts_purchase_order_id"), ["purchase_order_id"], unique=False
        )
        batch_op.create_index("ix_goods_receipts_received_on", ["received_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_goods_receipts_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "purchase_order_lines",
        sa.Column("purchase_order_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("size", sa.String(length=20), nullable=True),
        sa.Column("quantity", Hundredths(), nullable=False),
        sa.Column("received_quantity", Hundredths(), nullable=False),
        sa.Column("buy_price", Hundredths(), nullable=False),
        sa.Column(
            "currency", sa.Enum("UZS", "USD", name="currency", native_enum=False), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "buy_price >= 0", name=op.f("ck_purchase_order_lines_buy_price_not_negative")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_purchase_order_lines_quantity_positive")),
        sa.CheckConstraint(
            "received_quantity >= 0", name=op.f("ck_purchase_order_lines_received_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_purchase_order_lines_product_id_products"),
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_id"],
            ["purchase_orders.id"],
            name=op.f("fk_purchase_order_lines_purchase_order_id_purchase_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_order_lines")),
    )
    with op.batch_alter_table("purchase_order_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_order_lines_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            "uq_purchase_order_lines_position", ["purchase_order_id", "position"], unique=True
        )

    op.create_table(
        "goods_receipt_lines",
        sa.Column("goods_receipt_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("purchase_order_line_id", sa.Uuid(), nullable=True),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("size", sa.String(length=20), nullable=True),
        sa.Column("quantity", Hundredths(), nullable=False),
        sa.Column(
            "currency", sa.Enum("UZS", "USD", name="currency", native_enum=False), nullable=False
        ),
        sa.Column("buy_price", Hundredths(), nullable=True),
        sa.Column("buy_price_uzs", Hundredths(), nullable=True),
        sa.Column("amount", Hundredths(), nullable=True),
        sa.Column("amount_uzs", Hundredths(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "buy_price IS NULL OR buy_price >= 0",
            name=op.f("ck_goods_receipt_lines_buy_price_not_negative"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_goods_receipt_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["goods_receipt_id"],
            ["goods_receipts.id"],
            name=op.f("fk_goods_receipt_lines_goods_receipt_id_goods_receipts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_goods_receipt_lines_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_order_line_id"],
            ["purchase_order_lines.id"],
            name=op.f("fk_goods_receipt_lines_purchase_order_line_id_purchase_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goods_receipt_lines")),
    )
    with op.batch_alter_table("goods_receipt_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_goods_receipt_lines_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_goods_receipt_lines_purchase_order_line_id"),
            ["purchase_order_line_id"],
            unique=False,
        )
        batch_op.create_index(
            "uq_goods_receipt_lines_position", ["goods_receipt_id", "position"], unique=True
        )

    op.create_table(
        "payables",
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("goods_receipt_id", sa.Uuid(), nullable=False),
        sa.Column(
            "currency", sa.Enum("UZS", "USD", name="currency", native_enum=False), nullable=False
        ),
        sa.Column("total_amount", Hundredths(), nullable=False),
        sa.Column("remaining_amount", Hundredths(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "paid", "overdue", name="payable_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("overdue_notified_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "remaining_amount >= 0 AND remaining_amount <= total_amount",
            name=op.f("ck_payables_remaining_in_range"),
        ),
        sa.CheckConstraint("total_amount > 0", name=op.f("ck_payables_total_positive")),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_payables_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_payables_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["goods_receipt_id"],
            ["goods_receipts.id"],
            name=op.f("fk_payables_goods_receipt_id_goods_receipts"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["suppliers.id"], name=op.f("fk_payables_supplier_id_suppliers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payables")),
        sa.UniqueConstraint("goods_receipt_id", name=op.f("uq_payables_goods_receipt_id")),
    )
    with op.batch_alter_table("payables", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payables_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index("ix_payables_status_due", ["status", "due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_payables_supplier_id"), ["supplier_id"], unique=False)

    op.create_table(
        "supplier_payments",
        sa.Column("payable_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("amount", Hundredths(), nullable=False),
        sa.Column(
            "paid_currency",
            sa.Enum("UZS", "USD", name="currency", native_enum=False),
            nullable=False,
        ),
        sa.Column("paid_amount", Hundredths(), nullable=False),
        sa.Column("rate", Hundredths(), nullable=True),
        sa.Column(
            "payment_type",
            sa.Enum(
                "cash",
                "card",
                "transfer",
                name="supplier_payment_type",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("paid_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "amount > 0 AND paid_amount > 0", name=op.f("ck_supplier_payments_amounts_positive")
        ),
        sa.ForeignKeyConstraint(
            ["payable_id"], ["payables.id"], name=op.f("fk_supplier_payments_payable_id_payables")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["users.id"],
            name=op.f("fk_supplier_payments_recorded_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_supplier_payments_supplier_id_suppliers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_payments")),
    )
    with op.batch_alter_table("supplier_payments", schema=None) as batch_op:
        batch_op.create_index("ix_supplier_payments_payable", ["payable_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supplier_payments_supplier_id"), ["supplier_id"], unique=False
        )
        batch_op.create_index(
            "uq_supplier_payments_payable_idempotency_key",
            ["payable_id", "idempotency_key"],
            unique=True,
        )

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sell_price_usd", Hundredths(), nullable=True))


def downgrade() -> None:
    # Not a batch copy: on SQLite that drops and refills `products`, which fails on the sale
    # items and movements that point at them. SQLite (3.35+) drops a plain column in place.
    op.drop_column("products", "sell_price_usd")

    with op.batch_alter_table("supplier_payments", schema=None) as batch_op:
        batch_op.drop_index("uq_supplier_payments_payable_idempotency_key")
        batch_op.drop_index(batch_op.f("ix_supplier_payments_supplier_id"))
        batch_op.drop_index("ix_supplier_payments_payable")

    op.drop_table("supplier_payments")
    with op.batch_alter_table("payables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payables_supplier_id"))
        batch_op.drop_index("ix_payables_status_due")
        batch_op.drop_index(batch_op.f("ix_payables_branch_id"))

    op.drop_table("payables")
    with op.batch_alter_table("goods_receipt_lines", schema=None) as batch_op:
        batch_op.drop_index("uq_goods_receipt_lines_position")
        batch_op.drop_index(batch_op.f("ix_goods_receipt_lines_purchase_order_line_id"))
        batch_op.drop_index(batch_op.f("ix_goods_receipt_lines_product_id"))

    op.drop_table("goods_receipt_lines")
    with op.batch_alter_table("purchase_order_lines", schema=None) as batch_op:
        batch_op.drop_index("uq_purchase_order_lines_position")
        batch_op.drop_index(batch_op.f("ix_purchase_order_lines_product_id"))

    op.drop_table("purchase_order_lines")
    with op.batch_alter_table("goods_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goods_receipts_supplier_id"))
        batch_op.drop_index("ix_goods_receipts_received_on")
        batch_op.drop_index(batch_op.f("ix_goods_receipts_purchase_order_id"))
        batch_op.drop_index(batch_op.f("ix_goods_receipts_branch_id"))

    op.drop_table("goods_receipts")
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_orders_supplier_id"))
        batch_op.drop_index("ix_purchase_orders_status")
        batch_op.drop_index(batch_op.f("ix_purchase_orders_branch_id"))

    op.drop_table("purchase_orders")
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_suppliers_phone_live",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index("ix_suppliers_search_name")
        batch_op.drop_index(batch_op.f("ix_suppliers_deleted_at"))

    op.drop_table("suppliers")
    op.drop_table("currency_rates")
    op.drop_table("purchase_settings")
    op.drop_table("document_counters")
