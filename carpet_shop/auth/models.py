from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from carpet_shop.core.models import Base, IdMixin


class AuthSession(IdMixin, Base):
    """One signed-in device or account slot; its tokens live and die with it."""

    __tablename__ = "auth_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Digest of the one refresh token that is valid now; rotation replaces it atomically.
    refresh_token_hash: Mapped[str] = mapped_column(String(64))
    generation: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), default=None)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))


class LoginAttempt(IdMixin, Base):
    """Every login try, kept to lock an account after repeated failures."""

    __tablename__ = "login_attempts"

    username: Mapped[str] = mapped_column(String(50))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    success: Mapped[bool]
    timestamp: Mapped[datetime]

    __table_args__ = (
        Index("ix_login_attempts_username_timestamp", "username", "timestamp"),
        Index("ix_login_attempts_ip_timestamp", "ip_address", "timestamp"),
    )


class PasswordReset(IdMixin, Base):
    """One password reset token: only its digest is kept; it works once, for 15 minutes."""

    __tablename__ = "password_resets"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "telegram": sent to the user's linked chat; "director": issued by the director by hand.
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    ip_address: Mapped[str | None] = mapped_column(String(64))
