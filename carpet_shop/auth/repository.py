from __future__ import annotations

import uuid
from dataclasses import fields
from datetime import datetime

from sqlalchemy import Select, bindparam, func, select, update

from carpet_shop.auth.models import AuthSession, LoginAttempt, PasswordReset
from carpet_shop.auth.schemas import SignedInUser
from carpet_shop.core.prepared import Prepared
from carpet_shop.core.read_cache import kept
from carpet_shop.core.repository import Repository
from carpet_shop.users.models import User

# Every authenticated request runs it: prepared once (see core.prepared).
_OPEN_SESSION_USER = Prepared(
    # The user's columns of SignedInUser's fields, in their order.
    select(*(getattr(User, field.name) for field in fields(SignedInUser)))
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(
        AuthSession.id == bindparam("session_id"),
        AuthSession.user_id == bindparam("user_id"),
        AuthSession.revoked_at.is_(None),
    )
)


# Signed-in users of open sessions kept until the next commit (core.read_cache).
SIGNED_IN_KEPT = 1024


class AuthSessionRepository(Repository[AuthSession]):
    model = AuthSession

    def rotate(
        self,
        session_id: uuid.UUID,
        *,
        presented_hash: str,
        new_hash: str,
        now: datetime,
        expires_at: datetime,
    ) -> bool:
        """Swap the refresh token in one conditional UPDATE; False if it was not the current one.

        Two concurrent refreshes with the same token race on this row: exactly one matches.
        """
        result = self.session.execute(
            update(AuthSession)
            .where(
                AuthSession.id == session_id,
                AuthSession.refresh_token_hash == presented_hash,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
            )
            .values(
                refresh_token_hash=new_hash,
                generation=AuthSession.generation + 1,
                last_used_at=now,
                expires_at=expires_at,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def revoke(self, session_id: uuid.UUID, *, now: datetime, reason: str) -> bool:
        result = self.session.execute(
            update(AuthSession)
            .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def revoke_all_of_user(
        self, user_id: uuid.UUID, *, now: datetime, reason: str, keep: uuid.UUID | None = None
    ) -> int:
        stmt = update(AuthSession).where(
            AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
        )
        if keep is not None:
            stmt = stmt.where(AuthSession.id != keep)
        result = self.session.execute(
            stmt.values(revoked_at=now, revoked_reason=reason).execution_options(
                synchronize_session=False
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def user_of_open_session(
        self, session_id: uuid.UUID, user_id: uuid.UUID
    ) -> SignedInUser | None:
        """The user of a session that has not been ended, in one query: every authenticated
        request runs it, so it joins the user instead of asking the users module separately,
        reads only the columns a request needs, and reuses one prepared statement.
        The user comes back even if deleted or deactivated; the caller says which it is.

        A read session keeps the answer until the next commit (core.read_cache): signing
        out, ending a session and deactivating a user all commit, so none of them is missed."""

        def read() -> SignedInUser | None:
            rows = _OPEN_SESSION_USER.rows(
                self.connection, {"session_id": session_id, "user_id": user_id}
            )
            return SignedInUser(*rows[0]) if rows else None

        return kept(self.session, "auth.signed_in", SIGNED_IN_KEPT, (session_id, user_id), read)

    def live_of_user(self, user_id: uuid.UUID, now: datetime) -> Select[AuthSession]:
        return (
            select(AuthSession)
            .where(
                AuthSession.user_id == user_id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
            )
            .order_by(AuthSession.last_used_at.desc(), AuthSession.id)
        )


class LoginAttemptRepository(Repository[LoginAttempt]):
    model = LoginAttempt

    def failures_since(self, username: str, since: datetime) -> int:
        """Failed attempts for this username after `since`."""
        count = self.session.scalar(
            select(func.count()).where(
                LoginAttempt.username == username,
                LoginAttempt.success.is_(False),
                LoginAttempt.timestamp > since,
            )
        )
        return int(count or 0)

    def failures_from_ip(self, ip_address: str, since: datetime) -> tuple[int, datetime | None]:
        """Failed attempts from this address after `since`, and the earliest of them."""
        count, earliest = self.session.execute(
            select(func.count(), func.min(LoginAttempt.timestamp)).where(
                LoginAttempt.ip_address == ip_address,
                LoginAttempt.success.is_(False),
                LoginAttempt.timestamp > since,
            )
        ).one()
        return int(count or 0), earliest


class PasswordResetRepository(Repository[PasswordReset]):
    model = PasswordReset

    def use(self, token_hash: str, now: datetime) -> uuid.UUID | None:
        """Spend the unused, unexpired token with this digest in one conditional UPDATE: the
        user it resets, or None. Two resets racing with one token: exactly one matches."""
        reset = self.session.scalar(
            select(PasswordReset).where(PasswordReset.token_hash == token_hash)
        )
        if reset is None or reset.used_at is not None or reset.expires_at <= now:
            return None
        result = self.session.execute(
            update(PasswordReset)
            .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return reset.user_id if result.rowcount else None  # type: ignore[attr-defined]

    def void_unused_of_user(self, user_id: uuid.UUID, now: datetime) -> None:
        """Earlier tokens of the user stop working: only the newest one resets."""
        self.session.execute(
            update(PasswordReset)
            .where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
