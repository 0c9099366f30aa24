from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base, IdMixin, SoftDeleteMixin, TimestampMixin


class Role(enum.StrEnum):
    ADMIN = "admin"
    SELLER = "seller"


class User(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(50))
    full_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="user_role",
            native_enum=False,
            length=16,
            values_callable=lambda roles: [r.value for r in roles],
        )
    )
    branch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("branches.id"), index=True)
    can_add_products: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Failed logins in a row since the last success or an admin's unlock (the lock also needs
    # them within LOGIN_FAILURE_WINDOW_MINUTES, counted from login_attempts).
    failed_login_count: Mapped[int] = mapped_column(default=0)
    last_failed_login_at: Mapped[datetime | None] = mapped_column(default=None)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Percent of each sale's amount paid to a seller (additions 3C); set by admins only.
    commission_rate: Mapped[Decimal] = mapped_column(default=Decimal("0"), server_default="0")

    __table_args__ = (
        Index(
            "uq_users_username_live",
            "username",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # Sellers belong to exactly one branch; the director to none.
        CheckConstraint(
            "(role = 'admin' AND branch_id IS NULL) OR (role = 'seller' AND branch_id IS NOT NULL)",
            name="role_branch",
        ),
    )

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
