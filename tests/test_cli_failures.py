"""The `carpet-shop` command when something is wrong: a line or two that say what and what to
do, a non-zero exit code, and no traceback unless `--debug` asks for one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carpet_shop import __version__
from carpet_shop.core.config import Settings
from carpet_shop.main import create_app
from tests import test_cli
from tests.conftest import TEST_SECRET
from tests.test_cli import _counts

run = test_cli.run  # the fixture: the CLI in-process, with a clean environment
UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/carpet_shop"


def _plain(result, code: int, *phrases: str, max_lines: int = 2) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert 1 <= len(lines) <= max_lines, result.output
    for phrase in phrases:
        assert phrase in result.output, result.output


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"carpet-shop {__version__}"


@pytest.mark.parametrize("command", [["migrate"], ["seed", "--demo"], ["serve", "--port", "0"]])
def test_an_unreachable_database(run, monkeypatch, command):
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("served"))
    result = run(*command, env={"DATABASE_URL": UNREACHABLE_PG})
    _plain(result, 3, "Cannot use the database at postgresql+psycopg://postgres@127.0.0.1:1/")


@pytest.mark.parametrize(
    ("url", "phrase"),
    [
        ("not a url", "DATABASE_URL: not a database URL"),
        ("mysql://shop@localhost/shop", "unsupported database 'mysql'"),
    ],
)
def test_a_bad_database_url(run, url, phrase):
    _plain(run("migrate", env={"DATABASE_URL": url}), 2, "Invalid setting", phrase)


def test_a_missing_directory(run, tmp_path):
    missing = tmp_path / "no" / "such"
    result = run("migrate", env={"DATABASE_URL": f"sqlite:///{missing}/shop.db"})
    _plain(result, 2, f"The directory {missing} (from DATABASE_URL) does not exist")
    assert not missing.exists()


def test_an_unknown_time_zone(run, tmp_path):
    result = run(
        "seed",
        "--demo",
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/shop.db", "TIMEZONE": "Asia/Samarkandd"},
    )
    _plain(result, 2, "TIMEZONE: unknown time zone 'Asia/Samarkandd'")


def test_a_port_in_use(run, monkeypatch, tmp_path):
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("served"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(
            "serve", "--port", str(port), env={"DATABASE_URL": f"sqlite:///{tmp_path}/s.db"}
        )
    _plain(result, 2, f"Port {port} on 127.0.0.1 is already in use")


def test_debug_shows_the_traceback(run):
    result = run("--debug", "migrate", env={"DATABASE_URL": UNREACHABLE_PG})
    assert result.exit_code != 0
    assert type(result.exception).__name__ == "OperationalError"


def test_serve_refuses_a_database_that_was_never_migrated(run, monkeypatch, tmp_path):
    served: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: served.append(k))
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/shop.db"}
    result = run("serve", "--port", "0", env=env)
    _plain(result, 2, "Not serving: the database is at no schema", "carpet-shop migrate")
    assert served == []

    result = run("serve", "--port", "0", "--migrate", env=env)
    assert result.exit_code == 0, result.output
    assert len(served) == 1
    # Migrated: now it serves without being asked to.
    assert run("serve", "--port", "0", env=env).exit_code == 0
    assert len(served) == 2


def test_restore_refuses_while_the_service_uses_the_database(run, tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    env = {"DATABASE_URL": url}
    assert run("migrate", env=env).exit_code == 0
    assert run("backup", str(tmp_path / "b.db"), env=env).exit_code == 0
    assert run("seed", "--demo", env=env).exit_code == 0
    before = _counts(url)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=url,
        secret_key=TEST_SECRET,
        uploads_dir=str(tmp_path / "uploads"),
        debt_status_interval_seconds=0,
    )
    with TestClient(create_app(settings=settings)):
        result = run("restore", str(tmp_path / "b.db"), env=env)
        _plain(result, 2, "The service is using", "stop it")
        assert _counts(url) == before
    # Stopped: the restore goes ahead.
    assert run("restore", str(tmp_path / "b.db"), env=env).exit_code == 0
    assert _counts(url)["users"] == 0


def _command(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TIMEZONE"}}
    script = Path(sys.executable).with_name("carpet-shop")
    return subprocess.run(  # noqa: S603
        [str(script), *args],
        env={**clean, "SECRET_KEY": TEST_SECRET, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "code", "phrase"),
    [
        ({"DATABASE_URL": UNREACHABLE_PG}, 3, "Cannot use the database"),
        ({"DATABASE_URL": "carpets at the shop"}, 2, "Invalid setting DATABASE_URL"),
        ({"TIMEZONE": "Nowhere/City"}, 2, "TIMEZONE"),
    ],
)
def test_the_installed_command_prints_no_traceback(tmp_path, env, code, phrase):
    done = _command(
        "migrate", env={"DATABASE_URL": f"sqlite:///{tmp_path}/s.db", **env}, cwd=tmp_path
    )
    assert done.returncode == code, done.stderr
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    assert phrase in output
    assert len(output.strip().splitlines()) <= 2, output
