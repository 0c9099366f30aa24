"""Customers and debts: the customer registry, debts (nasiya) and their payments.

The spec's indexes idx_debts_status, idx_debts_branch_status, idx_debts_deadline and
idx_payments_debt; a partial unique index keeps one live customer per phone.

Revision ID: ba0c2067ae02
Revises: e35b7e71e8f0
Create Date: 2026-11-22 01:29:27.001267
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import carpet_shop.core.types

revision: str = "ba0c2067ae02"
down_revision: str | None = "e35b7e71e8f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=13), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("registered_branch_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_customers_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["users.id"],
            name=op.f("fk_customers_deleted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registered_branch_id"],
            ["branches.id"],
            name=op.f("fk_customers_registered_branch_id_branches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index("ix_customers_name", ["name"], unique=False)
        batch_op.create_index(
            "uq_customers_phone_live",
            ["phone"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "debts",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("branch_id", sa.Uuid(), nullable=False),
        sa.Column("seller_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("sale_id", sa.Uuid(), nullable=True),
        sa.Column("total_amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("remaining_amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("returned_amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column("payment_deadline", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "paid", "overdue", name="debt_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column(
            "overdue_notified_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "remaining_amount >= 0 AND returned_amount >= 0 AND remaining_amount + returned_amount <= total_amount",
            name=op.f("ck_debts_amounts_consistent"),
        ),
        sa.CheckConstraint("total_amount > 0", name=op.f("ck_debts_total_positive")),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_debts_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_debts_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_debts_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(["sale_id"], ["sales.id"], name=op.f("fk_debts_sale_id_sales")),
        sa.ForeignKeyConstraint(["seller_id"], ["users.id"], name=op.f("fk_debts_seller_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debts")),
    )
    with op.batch_alter_table("debts", schema=None) as batch_op:
        batch_op.create_index("idx_debts_branch_status", ["branch_id", "status"], unique=False)
        batch_op.create_index("idx_debts_deadline", ["payment_deadline"], unique=False)
        batch_op.create_index("idx_debts_status", ["status"], unique=False)
        batch_op.create_index("ix_debts_customer_id", ["customer_id"], unique=False)
        batch_op.create_index("uq_debts_sale_id", ["sale_id"], unique=True)

    op.create_table(
        "payments",
        sa.Column("debt_id", sa.Uuid(), nullable=False),
        sa.Column("amount", carpet_shop.core.types.Hundredths(), nullable=False),
        sa.Column(
            "payment_type",
            sa.Enum(
                "cash", "card", "transfer", name="debt_payment_type", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column(
            "payment_date", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("created_at", carpet_shop.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.ForeignKeyConstraint(["debt_id"], ["debts.id"], name=op.f("fk_payments_debt_id_debts")),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_payments_recorded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("idx_payments_debt", ["debt_id"], unique=False)
        batch_op.create_index(
            "uq_payments_debt_idempotency_key", ["debt_id", "idempotency_key"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("uq_payments_debt_idempotency_key")
        batch_op.drop_index("idx_payments_debt")

    op.drop_table("payments")
    with op.batch_alter_table("debts", schema=None) as batch_op:
        batch_op.drop_index("uq_debts_sale_id")
        batch_op.drop_index("ix_debts_customer_id")
        batch_op.drop_index("idx_debts_status")
        batch_op.drop_index("idx_debts_deadline")
        batch_op.drop_index("idx_debts_branch_status")

    op.drop_table("debts")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_customers_phone_live",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index("ix_customers_name")
        batch_op.drop_index(batch_op.f("ix_customers_deleted_at"))

    op.drop_table("customers")
