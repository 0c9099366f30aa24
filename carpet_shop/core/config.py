"""Settings read from the environment and `.env`, named as in the specification's `.env.example`."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from carpet_shop import __version__

# The placeholder from the specification's `.env.example`: fine on a laptop, refused in production.
EXAMPLE_SECRET_KEY = "your-secret-key-here-change-in-production"
MIN_PRODUCTION_SECRET_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The settings are unsafe or inconsistent; the service must not start."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_name: str = "Carpet Shop API"
    app_version: str = __version__
    environment: Literal["development", "test", "production"] = "development"
    debug: bool = False

    database_url: str = "sqlite:///./carpet_shop.db"
    sqlite_busy_timeout_ms: int = 30_000
    # Log every SQL statement and its parameters (SQLAlchemy's `echo`), prepared ones too.
    sql_echo: bool = False
    # Worker processes serving the API (uvicorn reads the same variable; `carpet-shop serve
    # --workers` sets it).
    web_concurrency: int = Field(default=1, ge=1)
    # SQLite served by one process: writes run on the event loop, not in a thread
    # (core.database), and writers queued there share one transaction and its commit
    # (core.group_commit). Both need one process: the service refuses to start otherwise.
    sqlite_on_loop: bool = True
    group_commit: bool = True

    secret_key: str = EXAMPLE_SECRET_KEY
    algorithm: Literal["HS256"] = "HS256"
    access_token_expire_minutes: int = Field(default=1440, gt=0)
    refresh_token_expire_days: int = Field(default=7, gt=0)

    cors_origins: Annotated[list[str], NoDecode] = [
        "http://localhost:3000",
        "http://localhost:5173",
    ]
    timezone: str = "Asia/Tashkent"
    # Messages follow Accept-Language (uz, ru, en); this one answers a client that sends none
    # of them (CONTRACT.md "Languages").
    language: Literal["uz", "ru", "en"] = "uz"
    # The name printed at the top of every receipt.
    shop_name: str = "Carpet Shop"

    uploads_dir: str = "uploads"
    max_request_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    # One product photo, before decoding (multipart file, or base64 `photo` once decoded).
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, gt=0)

    # Low stock when a product has this much or less, unless it sets its own threshold.
    low_stock_pieces: int = Field(default=2, ge=0)
    low_stock_metres: Decimal = Field(default=Decimal("10"), ge=0, decimal_places=2)
    # A roll's remainder shorter than this (metres) is flagged as an offcut (`is_offcut`).
    offcut_length: Decimal = Field(default=Decimal("0.5"), ge=0, decimal_places=2)

    login_max_failures: int = Field(default=5, gt=0)
    login_failure_window_minutes: int = Field(default=15, gt=0)
    login_lock_minutes: int = Field(default=15, gt=0)
    # Failed logins per client address per minute, across usernames, before 429; 0 turns it
    # off. Sellers of one branch often share the shop's address, so only failures count.
    failed_logins_per_minute_per_ip: int = Field(default=30, ge=0)

    # How often each worker stores debt statuses and flags newly overdue debts; 0 turns the
    # job off. Reads never wait for it: they compute the true status themselves.
    debt_status_interval_seconds: int = Field(default=300, ge=0)

    # Redis, for live events across worker processes and hosts (pub/sub); none: in-process,
    # or, with several workers, streams read the table every `sse_poll_seconds`.
    redis_url: str | None = None
    # Prefix of every Redis key and channel of this shop (several shops may share a server).
    redis_prefix: str = "carpet_shop"
    # Seconds between SSE heartbeats (a comment line keeping proxies from closing the stream).
    sse_heartbeat_seconds: float = Field(default=15.0, gt=0)
    sse_poll_seconds: float = Field(default=1.0, gt=0)

    # Telegram: the shop's bot (from @BotFather); none turns Telegram off.
    telegram_bot_token: str | None = None
    telegram_bot_username: str | None = None
    # The Bot API's address (tests point it at a fake server on loopback).
    telegram_api_url: str = "https://api.telegram.org"
    # How often the sender looks for messages to send and updates to read.
    telegram_poll_seconds: float = Field(default=2.0, gt=0)
    # Whether this process takes part in sending (one sender at a time across workers holds
    # a lease); off for hosts that only serve the API.
    telegram_sender: bool = True

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def check_safe_to_serve(self) -> None:
        """Refuse to run production with settings that would expose the shop."""
        if self.environment != "production":
            return
        problems = []
        if (
            not self.secret_key
            or self.secret_key == EXAMPLE_SECRET_KEY
            or len(self.secret_key) < MIN_PRODUCTION_SECRET_LENGTH
        ):
            problems.append(
                f"SECRET_KEY must be set to a random value of at least "
                f"{MIN_PRODUCTION_SECRET_LENGTH} characters"
            )
        if "*" in self.cors_origins:
            problems.append("CORS_ORIGINS must list the frontend's origins, not '*'")
        if problems:
            raise ConfigurationError("Refusing to start in production: " + "; ".join(problems))

    def check_processes(self, processes: int) -> None:
        """Refuse SQLite's one-process modes when `processes` serve the database: another
        process's writer would hold the lock while this one's event loop waits for it."""
        if not self.is_sqlite or processes <= 1:
            return
        modes = [
            name
            for name, on in (
                ("GROUP_COMMIT", self.group_commit),
                ("SQLITE_ON_LOOP", self.sqlite_on_loop),
            )
            if on
        ]
        if modes:
            raise ConfigurationError(
                f"Refusing to start: SQLite is served by {processes} processes, but "
                f"{' and '.join(modes)} need one; set {'=false and '.join(modes)}=false, "
                "or serve with one worker"
            )


@lru_cache
def get_settings() -> Settings:
    return Settings()
