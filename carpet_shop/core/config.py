"""Settings read from the environment and `.env`, named as in the specification's `.env.example`."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

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

    # How often debt statuses are stored and newly overdue debts flagged (by one process of
    # all that serve the shop: core.scheduler); 0 turns the job off. Reads never wait for
    # it: they compute the true status themselves.
    debt_status_interval_seconds: int = Field(default=300, ge=0)

    # Several workers and hosts (README "Production"): the shared Redis (core.redis) for the
    # read caches' commit counter, rate limits, the scheduler's wake-ups and live events across
    # workers (pub/sub). None: each process keeps its own, uncached with several workers, and
    # live streams read the table every `sse_poll_seconds`.
    redis_url: str | None = None
    # Prefix of every Redis key and channel of this shop ("<prefix>:<name>"), so several shops
    # (or test runs) can share one server.
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

    # Logs (core.logs): text or one JSON object per line; LOG_FILE adds a file rotated at
    # 10 MB with 5 kept.
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_file: str | None = None

    # GET /metrics answers a director's token, or this one (Prometheus's bearer_token).
    metrics_token: str | None = None

    # General rate limits (core.rate_limits), per minute; 0 turns one off. A signed-in user
    # is counted by user, everyone by address too (a branch's phones behind one NAT share
    # an address, hence the larger number).
    rate_limit_per_user_per_minute: int = Field(default=600, ge=0)
    rate_limit_per_address_per_minute: int = Field(default=1200, ge=0)
    # Addresses whose X-Forwarded-For / X-Forwarded-Proto are believed (the reverse proxy);
    # "*" trusts everyone (only behind a proxy that overwrites them).
    forwarded_allow_ips: str = "127.0.0.1"

    # Scheduled SQLite backups (core.backup): every N hours into BACKUP_DIR, keeping the
    # newest BACKUP_KEEP; 0 hours turns them off.
    backup_interval_hours: float = Field(default=0, ge=0)
    backup_dir: str = "backups"
    backup_keep: int = Field(default=14, ge=1)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _usable_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(
                "not a database URL; expected sqlite:///path/to/shop.db or "
                "postgresql+psycopg://user:password@host:5432/name"
            ) from exc
        backend, _, driver = url.drivername.partition("+")
        if backend in {"postgres", "postgresql"} and driver in {"", "psycopg"}:
            # `postgres://` is how hosting providers and libpq spell it; the driver is psycopg 3.
            return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        if backend == "sqlite" and driver in {"", "pysqlite"}:
            return value
        raise ValueError(
            f"unsupported database {url.drivername!r}; use sqlite:///path/to/shop.db or "
            "postgresql+psycopg://user:password@host:5432/name"
        )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as Asia/Tashkent"
            ) from exc
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
