"""The `carpet-shop` command, driven as an operator would, with DATABASE_URL in the environment."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select
from typer.testing import CliRunner

from carpet_shop.cli import app as cli_app
from carpet_shop.core.config import Settings, get_settings
from carpet_shop.core.database import Database
from carpet_shop.main import create_app
from carpet_shop.models import Base
from tests.conftest import TEST_SECRET
from tests.factories import assert_ok

Run = Callable[..., Result]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Run]:
    """Invoke the CLI in-process with a clean environment and fresh settings."""
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "SECRET_KEY", "ENVIRONMENT", "CORS_ORIGINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)

    def invoke(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return CliRunner().invoke(cli_app, list(args), input=stdin)

    yield invoke
    get_settings.cache_clear()


def _counts(url: str) -> dict[str, int]:
    database = Database.from_settings(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    try:
        with database.transaction(write=False) as session:
            return {
                table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
                for table in Base.metadata.sorted_tables
            }
    finally:
        database.dispose()


def _client_for(url: str, tmp_path: Path) -> TestClient:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=url,
        secret_key=TEST_SECRET,
        uploads_dir=str(tmp_path / "uploads"),
    )
    return TestClient(create_app(settings=settings))


def test_migrate_makes_the_schema_on_an_empty_database(run, tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = run("migrate", env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    database = Database.from_settings(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    try:
        tables = set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    # Running it again changes nothing.
    assert run("migrate", env={"DATABASE_URL": url}).exit_code == 0


def test_seed_demo_is_idempotent_and_its_logins_work(run, database_url, db, tmp_path):
    first = run("seed", "--demo", env={"DATABASE_URL": database_url})
    assert first.exit_code == 0, first.output
    counts = _counts(database_url)
    assert counts["users"] == 3 and counts["branches"] == 3
    second = run("seed", "--demo", env={"DATABASE_URL": database_url})
    assert second.exit_code == 0, second.output
    assert _counts(database_url) == counts

    with _client_for(database_url, tmp_path) as client:
        users = {}
        for username, password in (
            ("admin", "admin123"),
            ("seller1", "seller123"),
            ("seller2", "seller123"),
        ):
            response = client.post(
                "/api/auth/login", json={"username": username, "password": password}
            )
            users[username] = assert_ok(response)
        assert users["admin"]["user"]["role"] == "admin"
        assert users["admin"]["user"]["branch_id"] is None
        token = users["admin"]["access_token"]
        branches = assert_ok(
            client.get("/api/branches", headers={"Authorization": f"Bearer {token}"})
        )
        names = {b["id"]: b["name"] for b in branches}
        assert set(names.values()) == {"Chilonzor filiali", "Sergeli filiali", "Yunusobod filiali"}
        seller1, seller2 = users["seller1"]["user"], users["seller2"]["user"]
        assert (seller1["role"], names[seller1["branch_id"]], seller1["can_add_products"]) == (
            "seller",
            "Chilonzor filiali",
            True,
        )
        assert (names[seller2["branch_id"]], seller2["can_add_products"]) == (
            "Sergeli filiali",
            False,
        )


def test_seed_without_demo_does_nothing(run, database_url, db):
    result = run("seed", env={"DATABASE_URL": database_url})
    assert result.exit_code != 0
    assert "--demo" in result.output
    assert _counts(database_url)["users"] == 0


def test_create_admin(run, database_url, db, tmp_path):
    env = {"DATABASE_URL": database_url, "ADMIN_PASSWORD": "boss-pass-1"}
    result = run("create-admin", "--username", "Boss", "--full-name", "B", env=env)
    assert result.exit_code == 0, result.output
    with _client_for(database_url, tmp_path) as client:
        data = assert_ok(
            client.post("/api/auth/login", json={"username": "boss", "password": "boss-pass-1"})
        )
        assert data["user"]["role"] == "admin"
    again = run("create-admin", "--username", "boss", env=env)
    assert again.exit_code != 0
    assert "already exists" in again.output
    short = run("create-admin", "--username", "boss2", env={**env, "ADMIN_PASSWORD": "x"})
    assert short.exit_code != 0
    assert "Cannot create the admin: password" in short.output
    assert _counts(database_url)["users"] == 1


def test_create_admin_never_takes_the_password_on_the_command_line(run, database_url, db):
    result = run(
        "create-admin",
        "--username",
        "boss",
        "--password",
        "boss-pass-1",
        env={"DATABASE_URL": database_url},
    )
    assert result.exit_code == 2
    assert "No such option" in result.output
    assert _counts(database_url)["users"] == 0


def test_create_admin_without_a_password_says_how_to_give_one(run, database_url, db):
    result = run("create-admin", "--username", "boss", env={"DATABASE_URL": database_url})
    assert result.exit_code == 2
    assert "ADMIN_PASSWORD" in result.output
    assert "Traceback" not in result.output
    assert _counts(database_url)["users"] == 0


def test_create_admin_prompts_for_what_is_missing(run, database_url, db):
    result = run(
        "create-admin",
        env={"DATABASE_URL": database_url},
        stdin="prompted\nprompt-pass-1\nprompt-pass-1\n",
    )
    assert result.exit_code == 0, result.output
    assert "prompt-pass-1" not in result.output
    assert _counts(database_url)["users"] == 1


def test_backup_and_restore_round_trip(run, tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    env = {"DATABASE_URL": url}
    assert run("migrate", env=env).exit_code == 0
    assert run("seed", "--demo", env=env).exit_code == 0
    before = _counts(url)

    backup = tmp_path / "backups" / "shop-backup.db"
    result = run("backup", str(backup), env=env)
    assert result.exit_code == 0, result.output
    assert backup.exists()
    # A second backup to the same file is refused rather than overwriting it.
    assert run("backup", str(backup), env=env).exit_code != 0

    with _client_for(url, tmp_path) as client:
        token = assert_ok(
            client.post("/api/auth/login", json={"username": "admin", "password": "admin123"})
        )["access_token"]
        assert_ok(
            client.post(
                "/api/branches",
                json={"name": "Written after the backup"},
                headers={"Authorization": f"Bearer {token}"},
            ),
            201,
        )
    assert _counts(url)["branches"] == before["branches"] + 1

    result = run("restore", str(backup), env=env)
    assert result.exit_code == 0, result.output
    after = _counts(url)
    assert after["branches"] == before["branches"]
    assert after == before


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000, None],
)
def test_restore_refuses_what_is_not_a_good_backup(run, tmp_path, content):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    env = {"DATABASE_URL": url}
    assert run("migrate", env=env).exit_code == 0
    assert run("seed", "--demo", env=env).exit_code == 0
    before = _counts(url)
    bad = tmp_path / "bad.db"
    if content is None:
        # A real SQLite file, but not a Carpet Shop database.
        with sqlite3.connect(bad) as conn:
            conn.execute("CREATE TABLE notes (text TEXT)")
        conn.close()
    else:
        bad.write_bytes(content)
    result = run("restore", str(bad), env=env)
    assert result.exit_code not in (0, None)
    # Refused with a message, not a crash.
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.output.strip()
    assert _counts(url) == before


def test_restore_of_a_missing_file_is_refused(run, tmp_path):
    result = run(
        "restore", str(tmp_path / "nope.db"), env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    )
    assert result.exit_code != 0
    assert "no backup" in result.output


def test_backup_of_postgresql_points_to_pg_dump(run, tmp_path):
    result = run(
        "backup",
        str(tmp_path / "pg.db"),
        env={"DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/carpet_shop"},
    )
    assert result.exit_code != 0
    assert "pg_dump" in result.output
    assert not (tmp_path / "pg.db").exists()


@pytest.mark.parametrize(
    "env",
    [
        {"SECRET_KEY": ""},
        {"SECRET_KEY": "your-secret-key-here-change-in-production"},
        {"SECRET_KEY": "too-short"},
        {"SECRET_KEY": "s" * 40, "CORS_ORIGINS": "*"},
    ],
)
def test_serve_refuses_unsafe_production_settings(run, monkeypatch, tmp_path, env):
    started: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append(a))
    result = run(
        "serve",
        "--port",
        "0",
        env={"ENVIRONMENT": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/p.db", **env},
    )
    assert result.exit_code not in (0, None)
    assert "Refusing to start in production" in result.output
    assert started == []


def test_serve_without_a_secret_at_all_is_refused_in_production(run, monkeypatch, tmp_path):
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: None)
    monkeypatch.delenv("SECRET_KEY")
    result = run("serve", env={"ENVIRONMENT": "production"})
    assert result.exit_code != 0
    assert "SECRET_KEY" in result.output


@pytest.mark.parametrize("explicit", ["GROUP_COMMIT", "SQLITE_ON_LOOP"])
def test_serve_refuses_sqlite_s_one_process_modes_with_several_workers(
    run, monkeypatch, tmp_path, explicit
):
    started: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append(a))
    for name in ("WEB_CONCURRENCY", "GROUP_COMMIT", "SQLITE_ON_LOOP"):
        monkeypatch.delenv(name, raising=False)
    result = run(
        "serve",
        "--workers",
        "2",
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/w.db", explicit: "true"},
    )
    assert result.exit_code not in (0, None)
    assert f"{explicit} need one" in result.output or f"{explicit} need" in result.output
    assert "2 processes" in result.output
    assert started == []


def test_serve_with_several_workers_turns_sqlite_s_one_process_modes_off(
    run, monkeypatch, tmp_path
):
    started: list[dict[str, object]] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append(k))
    for name in ("WEB_CONCURRENCY", "GROUP_COMMIT", "SQLITE_ON_LOOP"):
        monkeypatch.delenv(name, raising=False)
    result = run(
        "serve",
        "--workers",
        "2",
        "--migrate",
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/w.db"},
    )
    assert result.exit_code == 0, result.output
    assert started and started[0]["workers"] == 2
    settings = get_settings()
    assert (settings.web_concurrency, settings.group_commit, settings.sqlite_on_loop) == (
        2,
        False,
        False,
    )
