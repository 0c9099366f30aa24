"""The knobs of signing in: how passwords are hashed, tokens signed, and accounts locked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from carpet_shop.core.config import Settings
from carpet_shop.core.security import PasswordHasher, TokenSigner


@dataclass(frozen=True)
class AuthPolicy:
    hasher: PasswordHasher
    signer: TokenSigner
    access_lifetime: timedelta
    refresh_lifetime: timedelta
    max_failures: int
    failure_window: timedelta
    lock_duration: timedelta
    failed_logins_per_minute_per_ip: int

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthPolicy:
        return cls(
            hasher=PasswordHasher(fast=settings.environment == "test"),
            signer=TokenSigner(settings.secret_key, settings.algorithm),
            access_lifetime=timedelta(minutes=settings.access_token_expire_minutes),
            refresh_lifetime=timedelta(days=settings.refresh_token_expire_days),
            max_failures=settings.login_max_failures,
            failure_window=timedelta(minutes=settings.login_failure_window_minutes),
            lock_duration=timedelta(minutes=settings.login_lock_minutes),
            failed_logins_per_minute_per_ip=settings.failed_logins_per_minute_per_ip,
        )
