"""Backups on a schedule with a retention, and the restore drill: what an operator would do
after losing the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carpet_shop.core import backup as backups
from carpet_shop.core.config import Settings
from carpet_shop.core.database import Database
from carpet_shop.main import create_app
from tests import test_cli
from tests.conftest import TEST_SECRET
from tests.factories import assert_ok

run = test_cli.run  # the CLI fixture


def _settings(url: str, tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=url,
        secret_key=TEST_SECRET,
        uploads_dir=str(tmp_path / "uploads"),
        debt_status_interval_seconds=0,
        **extra,
    )


def _admin(client: TestClient) -> dict[str, str]:
    token = assert_ok(
        client.post("/api/auth/login", json={"username": "admin", "password": "admin123"})
    )["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _branches(client: TestClient) -> set[str]:
    return {b["name"] for b in assert_ok(client.get("/api/branches", headers=_admin(client)))}


@pytest.fixture
def shop(run, tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    assert run("migrate", env={"DATABASE_URL": url}).exit_code == 0
    assert run("seed", "--demo", env={"DATABASE_URL": url}).exit_code == 0
    return url


def test_backups_into_a_folder_keep_the_newest(shop, tmp_path):
    folder = tmp_path / "backups"
    start = datetime(2026, 3, 10, 5, tzinfo=UTC)
    written = [
        backups.backup_into(shop, folder, keep=3, now=start + timedelta(hours=h)) for h in range(5)
    ]
    kept = sorted(folder.iterdir())
    assert kept == written[-3:]
    # Files of other programs in the folder are never touched.
    (folder / "notes.txt").write_text("keep me")
    backups.backup_into(shop, folder, keep=1, now=start + timedelta(days=1))
    assert sorted(p.name for p in folder.iterdir()) == [
        "carpet_shop-20260311-050000-000000.db",
        "notes.txt",
    ]


def test_the_backup_command_keeps_n(run, shop, tmp_path):
    folder = tmp_path / "nightly"
    for _ in range(3):
        result = run("backup", str(folder), "--keep", "2", env={"DATABASE_URL": shop})
        assert result.exit_code == 0, result.output
    assert len(list(folder.glob("carpet_shop-*.db"))) == 2
    # Without a path: BACKUP_DIR, and BACKUP_KEEP.
    env = {"DATABASE_URL": shop, "BACKUP_DIR": str(tmp_path / "auto"), "BACKUP_KEEP": "1"}
    for _ in range(2):
        assert run("backup", env=env).exit_code == 0
    assert len(list((tmp_path / "auto").glob("carpet_shop-*.db"))) == 1


def test_restore_drill_from_a_scheduled_backup(run, shop, tmp_path):
    """The service backs itself up on its schedule; the database is then lost; the operator
    restores the newest backup and the shop is as it was at that backup."""
    settings = _settings(
        shop, tmp_path, backup_interval_hours=1, backup_dir=str(tmp_path / "b"), backup_keep=2
    )
    database = Database.from_settings(settings)
    job = backups.scheduled(database, settings)
    assert job.name == "sqlite-backup" and job.interval == 3600
    with TestClient(create_app(settings=settings, database=database)) as client:
        before = _branches(client)
        job.work()  # the scheduled run, as the job's period comes round
        assert_ok(client.post("/api/branches", json={"name": "After"}, headers=_admin(client)), 201)
        assert "After" in _branches(client)

    # Disaster: the file is gone.
    db_file = Path(shop.removeprefix("sqlite:///"))
    db_file.unlink()
    newest = sorted((tmp_path / "b").glob("carpet_shop-*.db"))[-1]
    result = run("restore", str(newest), env={"DATABASE_URL": shop})
    assert result.exit_code == 0, result.output

    with TestClient(create_app(settings=_settings(shop, tmp_path))) as client:
        assert_ok(client.get("/health"))
        assert _branches(client) == before
