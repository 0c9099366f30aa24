"""Test fixtures: every test runs against SQLite and, when configured, PostgreSQL.

The schema is made by the real migrations, once per backend and worker; each test then gets a
clean database (a copy of the migrated SQLite file, or truncated PostgreSQL tables).

PostgreSQL: set CARPET_SHOP_TEST_POSTGRES_URL to a server URL whose user may create databases,
e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres. Without it, the PostgreSQL runs are
skipped (under CI=true they fail instead).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from carpet_shop.core import i18n, migrations
from carpet_shop.core.clock import FrozenClock
from carpet_shop.core.config import Settings
from carpet_shop.core.database import Database
from carpet_shop.main import create_app
from carpet_shop.models import Base
from tests.factories import Factory

PG_ENV = "CARPET_SHOP_TEST_POSTGRES_URL"
TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256-0123456789"
# Tuesday 10 March 2026, 10:00 in Tashkent.
T0 = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)


def _pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url and os.environ.get("CI") == "true":
        raise RuntimeError(f"{PG_ENV} must be set in CI: the suite runs on PostgreSQL too")
    return url


class Backend:
    """A migrated database for this worker, reset between tests."""

    def __init__(self, name: str, tmp: Path):
        self.name = name
        self.tmp = tmp
        self.template: Path | None = None
        self.pg_url: str | None = None
        self.pg_admin: str | None = None

    def start(self) -> None:
        if self.name == "sqlite":
            self.template = self.tmp / "template.db"
            migrations.upgrade(f"sqlite:///{self.template}")
            return
        admin = _pg_admin_url()
        if not admin:
            pytest.skip(f"PostgreSQL tests need {PG_ENV}")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"carpet_shop_test_{worker}_{uuid.uuid4().hex[:8]}"
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        self.pg_admin = admin
        self.pg_url = make_url(admin).set(database=name).render_as_string(hide_password=False)
        migrations.upgrade(self.pg_url)

    def fresh_url(self, tmp_path: Path) -> str:
        if self.name == "sqlite":
            assert self.template is not None
            target = tmp_path / "test.db"
            shutil.copyfile(self.template, target)
            return f"sqlite:///{target}"
        assert self.pg_url is not None
        return self.pg_url

    def reset(self, database: Database) -> None:
        if self.name != "postgresql":
            return
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with database.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))

    def stop(self) -> None:
        if self.name != "postgresql" or not self.pg_admin or not self.pg_url:
            return
        name = make_url(self.pg_url).database
        engine = create_engine(self.pg_admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    backend = Backend(request.param, tmp_path_factory.mktemp(request.param))
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture
def database_url(backend: Backend, tmp_path: Path) -> str:
    return backend.fresh_url(tmp_path)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=database_url,
        secret_key=TEST_SECRET,
        uploads_dir=str(tmp_path / "uploads"),
        cors_origins=["http://localhost:5173"],
        # No background status job racing the test: tests run it directly with their clock.
        debt_status_interval_seconds=0,
        # Messages in English unless a test asks for another language (tests/core/test_messages.py).
        language="en",
    )


@pytest.fixture
def db(settings: Settings, backend: Backend) -> Iterator[Database]:
    database = Database.from_settings(settings)
    yield database
    backend.reset(database)
    database.dispose()


@pytest.fixture(autouse=True)
def _every_message_is_in_the_catalogs() -> Iterator[None]:
    """Fails the test that made a message no catalog has, naming it (core.i18n.MISSING)."""
    i18n.MISSING.clear()
    yield
    missing = sorted(i18n.MISSING)
    i18n.MISSING.clear()
    assert not missing, f"add to carpet_shop/locale/*/LC_MESSAGES/messages.po: {missing}"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def app(settings: Settings, db: Database, clock: FrozenClock) -> FastAPI:
    return create_app(settings=settings, database=db, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def factory(db: Database, clock: FrozenClock, app: FastAPI) -> Factory:
    return Factory(db, clock, app.state.auth_policy, uploads_dir=app.state.settings.uploads_dir)
