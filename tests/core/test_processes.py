"""SQLite's one-process modes (writes on the event loop, group commit) refuse to start when
more than one process serves the database, however the service was started."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from carpet_shop.core.config import ConfigurationError, Settings
from carpet_shop.core.processes import workers_in_command
from tests.conftest import TEST_SECRET

UVICORN = Path(sys.executable).parent / "uvicorn"


@pytest.mark.parametrize(
    ("argv", "workers"),
    [
        (["uvicorn", "--factory", "carpet_shop.main:create_app"], 1),
        (["uvicorn", "--workers", "4", "--factory", "carpet_shop.main:create_app"], 4),
        (["uvicorn", "carpet_shop.main:app", "--workers=3"], 3),
        (["gunicorn", "-w", "2", "-k", "uvicorn.workers.UvicornWorker"], 2),
        (["carpet-shop", "serve", "--workers", "2"], 2),
    ],
)
def test_the_workers_a_command_asks_for(argv, workers):
    assert workers_in_command(argv) == workers


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, database_url="sqlite:///x.db", **values)  # type: ignore[arg-type]


def test_one_process_modes_are_refused_for_several_processes():
    with pytest.raises(ConfigurationError, match="GROUP_COMMIT and SQLITE_ON_LOOP need one"):
        _settings().check_processes(2)
    with pytest.raises(ConfigurationError, match="GROUP_COMMIT need"):
        _settings(sqlite_on_loop=False).check_processes(2)
    _settings().check_processes(1)
    _settings(group_commit=False, sqlite_on_loop=False).check_processes(4)
    Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url="postgresql+psycopg://postgres@127.0.0.1/x",
    ).check_processes(4)


@pytest.mark.parametrize(
    "app", [["--factory", "carpet_shop.main:create_app"], ["carpet_shop.main:app"]]
)
def test_uvicorn_with_two_workers_refuses_to_start(tmp_path, app):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"WEB_CONCURRENCY", "GROUP_COMMIT", "SQLITE_ON_LOOP"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path}/shop.db",
        "SECRET_KEY": TEST_SECRET,
        "ENVIRONMENT": "test",
        "UPLOADS_DIR": str(tmp_path / "uploads"),
    }
    done = subprocess.run(  # noqa: S603 - our own uvicorn, fixed arguments
        [str(UVICORN), "--workers", "2", "--host", "127.0.0.1", "--port", "0", *app],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    refusals = [line for line in done.stderr.splitlines() if line.startswith("Refusing")]
    assert refusals, done.stderr
    assert refusals[0] == (
        "Refusing to start: SQLite is served by 2 processes, but GROUP_COMMIT and "
        "SQLITE_ON_LOOP need one; set GROUP_COMMIT=false and SQLITE_ON_LOOP=false, "
        "or serve with one worker"
    )
    assert "Traceback" not in done.stderr
