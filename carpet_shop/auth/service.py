"""Signing in and out: sessions with rotating refresh tokens and short-lived access tokens.

A session is one signed-in account on one device. The app may hold several (account
switching); each lives on its own, so signing into one never signs another out.
"""

from __future__ import annotations

import math
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.auth.errors import AccountDeactivated, InvalidResetToken, RefreshTokenReused
from carpet_shop.auth.models import AuthSession, LoginAttempt, PasswordReset
from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.auth.repository import (
    AuthSessionRepository,
    LoginAttemptRepository,
    PasswordResetRepository,
)
from carpet_shop.auth.schemas import SignedInUser
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.core.errors import (
    AccountLocked,
    InvalidCredentials,
    NotFound,
    RateLimited,
    Unauthorized,
)
from carpet_shop.core.i18n import Message, translate
from carpet_shop.core.ids import new_id
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.security import token_digest
from carpet_shop.notifications.models import (
    Language,
    NotificationSettings,
)
from carpet_shop.notifications.repository import NotificationRepository, outbox_row
from carpet_shop.users.models import User
from carpet_shop.users.repository import UserRepository

ENTITY = "session"


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    access_expires_in: int
    refresh_expires_in: int
    session: AuthSession
    user: User


def _issue(
    policy: AuthPolicy, auth_session: AuthSession, user: User, now: datetime, generation: int
) -> tuple[str, str]:
    access, _ = policy.signer.issue(
        user_id=user.id,
        session_id=auth_session.id,
        token_type="access",
        generation=generation,
        now=now,
        lifetime=policy.access_lifetime,
    )
    refresh, _ = policy.signer.issue(
        user_id=user.id,
        session_id=auth_session.id,
        token_type="refresh",
        generation=generation,
        now=now,
        lifetime=policy.refresh_lifetime,
    )
    return access, refresh


def _tokens(
    policy: AuthPolicy, auth_session: AuthSession, user: User, access: str, refresh: str
) -> IssuedTokens:
    return IssuedTokens(
        access_token=access,
        refresh_token=refresh,
        access_expires_in=int(policy.access_lifetime.total_seconds()),
        refresh_expires_in=int(policy.refresh_lifetime.total_seconds()),
        session=auth_session,
        user=user,
    )


def _failed_login(
    session: Session,
    clock: Clock,
    policy: AuthPolicy,
    meta: RequestMeta,
    username: str,
    user: User | None,
    reason: str,
) -> None:
    now = clock.now()
    attempts = LoginAttemptRepository(session)
    attempts.add(
        LoginAttempt(username=username, ip_address=meta.ip_address, success=False, timestamp=now)
    )
    if user is not None and reason == "wrong_password":
        # Locked after `max_failures` failed attempts within one window (5 in 15 minutes),
        # not counting those before the last success or unlock: both are suffixes of the same
        # run of failures, so the smaller count is what falls in both.
        user.failed_login_count += 1
        user.last_failed_login_at = now
        in_window = attempts.failures_since(username, now - policy.failure_window)
        if min(user.failed_login_count, in_window) >= policy.max_failures:
            user.locked_until = now + policy.lock_duration
        session.flush()
    audit.record(
        session,
        user_id=user.id if user else None,
        action=AuditAction.LOGIN,
        entity_type="user",
        entity_id=user.id if user else None,
        changes={"success": False, "username": username, "reason": reason},
        meta=meta,
        clock=clock,
    )


RATE_WINDOW = timedelta(minutes=1)


def _check_rate(session: Session, policy: AuthPolicy, meta: RequestMeta, now: datetime) -> None:
    """Slow down password guessing across accounts from one address (the lock covers one).

    Only failures count: sellers sharing the shop's address sign in as often as they need.
    """
    limit = policy.failed_logins_per_minute_per_ip
    if not limit or not meta.ip_address:
        return
    count, earliest = LoginAttemptRepository(session).failures_from_ip(
        meta.ip_address, now - RATE_WINDOW
    )
    if count >= limit and earliest is not None:
        wait = (earliest + RATE_WINDOW - now).total_seconds()
        raise RateLimited(max(1, math.ceil(wait)), "Too many sign-in attempts; try again shortly")


@dataclass(frozen=True)
class PasswordCheck:
    """A sign-in's password, verified ahead of its transaction against `password_hash` (None:
    no such user)."""

    username: str
    password_hash: str | None
    matches: bool


def check_password(
    session: Session,
    clock: Clock,
    policy: AuthPolicy,
    meta: RequestMeta,
    username: str,
    password: str,
) -> PasswordCheck | None:
    """Verify a sign-in's password with what a read session shows, before the sign-in's
    transaction: Argon2 takes a tenth of a second or more, which a write must not hold the
    writers' turn for. None when the sign-in will be refused before its password is looked
    at (too many failures from the address, a locked account): those stay cheap."""
    username = username.strip().lower()
    now = clock.now()
    try:
        _check_rate(session, policy, meta, now)
    except RateLimited:
        return None
    user = UserRepository(session).find_live_by_username(username)
    if user is not None and user.locked_until is not None and user.locked_until > now:
        return None
    stored = user.password_hash if user else None
    return PasswordCheck(username, stored, policy.hasher.verify(password, stored))


def _password_matches(
    policy: AuthPolicy,
    username: str,
    password: str,
    user: User | None,
    checked: PasswordCheck | None,
) -> bool:
    stored = user.password_hash if user else None
    if checked is not None and (checked.username, checked.password_hash) == (username, stored):
        return checked.matches
    # Not checked ahead, or the account changed since: check now.
    return policy.hasher.verify(password, stored)


def login(
    session: Session,
    clock: Clock,
    policy: AuthPolicy,
    meta: RequestMeta,
    username: str,
    password: str,
    checked: PasswordCheck | None = None,
) -> IssuedTokens:
    """Sign in. `checked`: the password verified ahead (`check_password`), used if the
    account is still as it was then."""
    username = username.strip().lower()
    now = clock.now()
    _check_rate(session, policy, meta, now)
    user = UserRepository(session).find_live_by_username(username)
    if user is not None and user.locked_until is not None and user.locked_until > now:
        _failed_login(session, clock, policy, meta, username, user, "locked")
        raise AccountLocked(details={"locked_until": user.locked_until.isoformat()})
    if not _password_matches(policy, username, password, user, checked) or user is None:
        _failed_login(session, clock, policy, meta, username, user, "wrong_password")
        if user is not None and user.locked_until is not None and user.locked_until > now:
            raise AccountLocked(details={"locked_until": user.locked_until.isoformat()})
        raise InvalidCredentials()
    if not user.is_active:
        _failed_login(session, clock, policy, meta, username, user, "deactivated")
        raise AccountDeactivated()

    user.failed_login_count = 0
    user.locked_until = None
    auth_session, access, refresh = _open_session(
        session, policy, user, now, meta.ip_address, meta.user_agent
    )
    LoginAttemptRepository(session).add(
        LoginAttempt(username=username, ip_address=meta.ip_address, success=True, timestamp=now)
    )
    audit.record(
        session,
        user_id=user.id,
        action=AuditAction.LOGIN,
        entity_type="user",
        entity_id=user.id,
        changes={"success": True, "session_id": str(auth_session.id)},
        meta=meta,
        clock=clock,
    )
    return _tokens(policy, auth_session, user, access, refresh)


def refresh(session: Session, clock: Clock, policy: AuthPolicy, refresh_token: str) -> IssuedTokens:
    now = clock.now()
    claims = policy.signer.read(refresh_token, expected_type="refresh", now=now)
    repo = AuthSessionRepository(session)
    auth_session = repo.get(claims.session_id)
    if (
        auth_session is None
        or auth_session.user_id != claims.user_id
        or auth_session.revoked_at is not None
    ):
        raise Unauthorized("This session has ended; sign in again")
    user = _live_user(session, claims.user_id)

    generation = auth_session.generation + 1
    access, new_refresh = _issue(policy, auth_session, user, now, generation=generation)
    if not repo.rotate(
        auth_session.id,
        presented_hash=token_digest(refresh_token),
        new_hash=token_digest(new_refresh),
        now=now,
        expires_at=now + policy.refresh_lifetime,
    ):
        repo.revoke(auth_session.id, now=now, reason="refresh_reuse")
        raise RefreshTokenReused()
    session.refresh(auth_session)
    return _tokens(policy, auth_session, user, access, new_refresh)


def reissue(
    session: Session, clock: Clock, policy: AuthPolicy, ended_session_id: uuid.UUID, user: User
) -> IssuedTokens:
    """A new session, with a fresh token pair, for the device whose session just ended with
    every other one of its user (their own password change): its old tokens stop at once."""
    now = clock.now()
    ended = AuthSessionRepository(session).get(ended_session_id)
    if ended is None or ended.user_id != user.id:
        raise Unauthorized("This session has ended; sign in again")
    auth_session, access, refresh_token = _open_session(
        session, policy, user, now, ended.ip_address, ended.user_agent
    )
    return _tokens(policy, auth_session, user, access, refresh_token)


def _open_session(
    session: Session,
    policy: AuthPolicy,
    user: User,
    now: datetime,
    ip_address: str | None,
    user_agent: str | None,
) -> tuple[AuthSession, str, str]:
    """A new signed-in session of `user` with its first token pair (access, refresh)."""
    auth_session = AuthSession(
        id=new_id(),
        user_id=user.id,
        refresh_token_hash=secrets.token_hex(32),  # replaced below once the token exists
        generation=0,
        created_at=now,
        last_used_at=now,
        expires_at=now + policy.refresh_lifetime,
        ip_address=ip_address,
        user_agent=user_agent,
    )
    access, refresh = _issue(policy, auth_session, user, now, generation=0)
    auth_session.refresh_token_hash = token_digest(refresh)
    AuthSessionRepository(session).add(auth_session)
    return auth_session, access, refresh


def _live_user(session: Session, user_id: uuid.UUID) -> User:
    user = UserRepository(session).get(user_id)
    if user is None:
        raise Unauthorized("This account no longer exists")
    _check_live(user)
    return user


def _check_live(user: User | SignedInUser) -> None:
    if user.deleted_at is not None:
        raise Unauthorized("This account no longer exists")
    if not user.is_active:
        raise Unauthorized("This account is deactivated")


def logout(
    session: Session, clock: Clock, policy: AuthPolicy, meta: RequestMeta, refresh_token: str
) -> None:
    now = clock.now()
    claims = policy.signer.read(refresh_token, expected_type="refresh", now=now)
    repo = AuthSessionRepository(session)
    auth_session = repo.get(claims.session_id)
    if (
        auth_session is None
        or auth_session.revoked_at is not None
        or auth_session.refresh_token_hash != token_digest(refresh_token)
    ):
        raise Unauthorized("This session has already ended")
    repo.revoke(auth_session.id, now=now, reason="logout")
    audit.record(
        session,
        user_id=auth_session.user_id,
        action=AuditAction.LOGOUT,
        entity_type="user",
        entity_id=auth_session.user_id,
        changes={"session_id": str(auth_session.id)},
        meta=meta,
        clock=clock,
    )


def authenticate(
    session: Session, clock: Clock, policy: AuthPolicy, access_token: str
) -> tuple[SignedInUser, uuid.UUID]:
    """The user behind an access token, if its session is still open. Every request asks
    this; the token's own expiry is checked on every request."""
    now = clock.now()
    claims = policy.signer.read(access_token, expected_type="access", now=now)
    user = AuthSessionRepository(session).user_of_open_session(claims.session_id, claims.user_id)
    if user is None:
        raise Unauthorized("This session has ended; sign in again")
    _check_live(user)
    return user, claims.session_id


def list_sessions(
    session: Session, clock: Clock, actor: Actor, page: PageParams
) -> tuple[Sequence[AuthSession], int]:
    repo = AuthSessionRepository(session)
    return repo.paginate(repo.live_of_user(actor.id, clock.now()), page)


def end_session(session: Session, clock: Clock, actor: Actor, session_id: uuid.UUID) -> None:
    repo = AuthSessionRepository(session)
    auth_session = repo.get(session_id)
    if (
        auth_session is None
        or auth_session.user_id != actor.id
        or auth_session.revoked_at is not None
    ):
        raise NotFound.of("Session", session_id)
    repo.revoke(session_id, now=clock.now(), reason="ended_by_user")
    audit.log(
        session, actor, clock, AuditAction.LOGOUT, "user", actor.id, {"session_id": str(session_id)}
    )


def end_user_sessions(
    session: Session,
    clock: Clock,
    user_id: uuid.UUID,
    *,
    reason: str,
    keep_session_id: uuid.UUID | None = None,
) -> int:
    return AuthSessionRepository(session).revoke_all_of_user(
        user_id, now=clock.now(), reason=reason, keep=keep_session_id
    )


# Password reset (specification 5C)

RESET_LIFETIME = timedelta(minutes=15)
RESET_BY_TELEGRAM = "telegram"
RESET_BY_DIRECTOR = "director"


def _reset_attempt(session: Session, meta: RequestMeta, username: str, now: datetime) -> None:
    """A reset request or a refused reset code counts like a failed sign-in from its address
    (`_check_rate`): codes and usernames are not guessed faster than passwords."""
    LoginAttemptRepository(session).add(
        LoginAttempt(
            username=username[:50], ip_address=meta.ip_address, success=False, timestamp=now
        )
    )


def _new_reset(
    session: Session, user: User, now: datetime, channel: str, ip_address: str | None
) -> tuple[PasswordReset, str]:
    """A fresh reset code for `user`; earlier unused codes of theirs stop working."""
    repo = PasswordResetRepository(session)
    repo.void_unused_of_user(user.id, now)
    token = secrets.token_urlsafe(24)
    reset = PasswordReset(
        id=new_id(),
        user_id=user.id,
        token_hash=token_digest(token),
        channel=channel,
        created_at=now,
        expires_at=now + RESET_LIFETIME,
        ip_address=ip_address,
    )
    repo.add(reset)
    return reset, token


def _language_of(session: Session, user_id: uuid.UUID) -> Language:
    chosen = session.get(NotificationSettings, user_id)
    return chosen.language if chosen is not None else Language.UZ


def request_reset(
    session: Session, clock: Clock, policy: AuthPolicy, meta: RequestMeta, username: str
) -> None:
    """Forgot password: a user with a linked Telegram chat gets a code there (queued in the
    outbox, in this transaction, in their language); anyone else asks the director, who sees
    the request in the audit log and issues a code (`issue_reset_code`). The caller learns
    neither whether the username exists nor which way the code went."""
    username = username.strip().lower()
    now = clock.now()
    _check_rate(session, policy, meta, now)
    _reset_attempt(session, meta, username, now)
    user = UserRepository(session).find_live_by_username(username)
    if user is None or not user.is_active:
        return
    chat_id = NotificationRepository(session).chat_of(user.id)
    delivery = RESET_BY_DIRECTOR if chat_id is None else RESET_BY_TELEGRAM
    if chat_id is not None:
        reset, token = _new_reset(session, user, now, RESET_BY_TELEGRAM, meta.ip_address)
        text = translate(
            Message(
                "Password reset code: {code}\nIt works once, for {minutes} minutes. "
                "If you did not ask for it, ignore this message.",
                code=token,
                minutes=int(RESET_LIFETIME.total_seconds() // 60),
            ),
            language=_language_of(session, user.id).value,
        )
        NotificationRepository(session).insert_outbox(
            [outbox_row(chat_id, f"password_reset:{reset.id}", text, now)]
        )
    audit.record(
        session,
        user_id=user.id,
        action=AuditAction.UPDATE,
        entity_type="user",
        entity_id=user.id,
        changes={"password_reset": "requested", "delivery": delivery},
        meta=meta,
        clock=clock,
    )


@dataclass(frozen=True)
class IssuedResetCode:
    code: str
    expires_at: datetime


def issue_reset_code(
    session: Session, clock: Clock, actor: Actor, user_id: uuid.UUID
) -> IssuedResetCode:
    """The director issues a reset code to hand over in person (the user has no Telegram)."""
    user = UserRepository(session).get(user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound.of("User", user_id)
    now = clock.now()
    reset, token = _new_reset(session, user, now, RESET_BY_DIRECTOR, actor.meta.ip_address)
    audit.log(
        session,
        actor,
        clock,
        AuditAction.UPDATE,
        "user",
        user.id,
        {"password_reset": "code_issued"},
    )
    return IssuedResetCode(code=token, expires_at=reset.expires_at)


def reset_password(
    session: Session,
    clock: Clock,
    policy: AuthPolicy,
    meta: RequestMeta,
    token: str,
    password_hash: str,
) -> None:
    """Spend a reset code: the new password (hashed before this transaction) replaces the
    old one, and every session of the user ends."""
    now = clock.now()
    _check_rate(session, policy, meta, now)
    user_id = PasswordResetRepository(session).use(token_digest(token), now)
    user = UserRepository(session).get(user_id) if user_id is not None else None
    if user is None or user.deleted_at is not None or not user.is_active:
        _reset_attempt(session, meta, "", now)
        raise InvalidResetToken()
    user.password_hash = password_hash
    user.password_changed_at = now
    user.failed_login_count = 0
    user.locked_until = None
    session.flush()
    ended = end_user_sessions(session, clock, user.id, reason="password_reset")
    audit.record(
        session,
        user_id=user.id,
        action=AuditAction.UPDATE,
        entity_type="user",
        entity_id=user.id,
        changes={"password_reset": "done", "sessions_ended": ended},
        meta=meta,
        clock=clock,
    )
