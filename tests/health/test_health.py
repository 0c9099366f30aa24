"""Health: public liveness, and database details for the director."""

from __future__ import annotations

from datetime import datetime, timedelta

from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import text

from carpet_shop.core.migrations import alembic_config
from carpet_shop.main import create_app
from tests.factories import assert_error, assert_ok, auth_headers


def test_health_is_public(client):
    data = assert_ok(client.get("/health"))
    assert data["status"] == "healthy"
    assert data["database"] is True
    assert data["version"]
    assert datetime.fromisoformat(data["timestamp"]).utcoffset() is not None


def test_detailed_health_is_for_the_director(client, factory, clock, settings):
    assert_error(client.get("/health/detailed"), 401, "UNAUTHORIZED")
    assert_error(
        client.get("/health/detailed", headers=auth_headers(client, factory.seller())),
        403,
        "FORBIDDEN",
    )
    clock.advance(timedelta(minutes=2))
    data = assert_ok(client.get("/health/detailed", headers=auth_headers(client, factory.admin())))
    assert data["status"] == "healthy"
    assert data["uptime_seconds"] == 120
    details = data["details"]
    assert details["size_bytes"] > 0
    assert 0 < details["disk_free_bytes"] <= details["disk_total_bytes"]
    head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
    assert details["migration_revision"] == head
    assert details["dialect"] in {"sqlite", "postgresql"}


def test_health_reports_an_unreachable_database(settings, clock, tmp_path):
    broken = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"}
    )
    with TestClient(create_app(settings=broken, clock=clock)) as client:
        body = assert_error(client.get("/health"), 503, "SERVICE_UNAVAILABLE")
    assert body["error"]["details"] == {"database": False, "reason": "unreachable"}


def test_health_is_503_on_a_database_that_was_never_migrated(settings, clock, tmp_path):
    empty = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'empty.db'}"})
    with TestClient(create_app(settings=empty, clock=clock)) as client:
        body = assert_error(client.get("/health"), 503, "SERVICE_UNAVAILABLE")
    details = body["error"]["details"]
    assert details["reason"] == "migrations_pending"
    assert details["revision"] == []
    head = ScriptDirectory.from_config(alembic_config(empty.database_url)).get_current_head()
    assert details["expected_revision"] == [head]
    assert "carpet-shop migrate" in body["error"]["message"]


def test_health_is_503_while_a_migration_is_missing(settings, clock, db):
    # The database one migration behind the code: a deploy that forgot `carpet-shop migrate`.
    script = ScriptDirectory.from_config(alembic_config(settings.database_url))
    head = script.get_revision(script.get_current_head())
    assert head is not None
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE alembic_version SET version_num = :previous"),
            {"previous": head.down_revision},
        )
    try:
        with TestClient(create_app(settings=settings, database=db, clock=clock)) as client:
            body = assert_error(client.get("/health"), 503, "SERVICE_UNAVAILABLE")
            russian = client.get("/health", headers={"Accept-Language": "ru"})
        assert body["error"]["details"]["revision"] == [head.down_revision]
        said = assert_error(russian, 503, "SERVICE_UNAVAILABLE")["error"]["message"]
        assert "миграции" in said and head.revision in said and str(head.down_revision) in said
    finally:
        with db.engine.begin() as conn:
            conn.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head.revision}
            )
