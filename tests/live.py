"""A real server in a subprocess, for tests that need true concurrency over HTTP.

`uvicorn --factory carpet_shop.main:create_app` on 127.0.0.1, on a socket the test binds to
port 0 and hands over (`--fd`), so no other process can take the port in between. Bounded in
time and always stopped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent
# Generous: a loaded CI machine starts two workers slowly.
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 10.0


@contextmanager
def live_server(
    database_url: str,
    workdir: Path,
    *,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
    log_name: str = "server.log",
) -> Iterator[str]:
    """Serve `database_url` (already migrated) and yield the base URL; always stopped.
    `env` adds settings (REDIS_URL, ...); `log_name` keeps two servers' logs apart."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "ENVIRONMENT": "test",
        "UPLOADS_DIR": str(workdir / "uploads"),
        # The code under test, whatever the working directory (which keeps a .env out).
        "PYTHONPATH": str(ROOT),
        # How many processes share the database, as `carpet-shop serve --workers` tells them:
        # without it each worker of several would run SQLite's one-process modes and think
        # it serves the live streams alone.
        "WEB_CONCURRENCY": str(workers),
        **(env or {}),
    }
    if int(env["WEB_CONCURRENCY"]) > 1:
        # SQLite's one-process modes refuse several processes (as `carpet-shop serve
        # --workers` turns them off itself): several workers, or several servers (`env`).
        env |= {"GROUP_COMMIT": "false", "SQLITE_ON_LOOP": "false"}
    log_path = workdir / log_name
    log = log_path.open("wb")
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "carpet_shop.main:create_app",
        "--fd",
        str(listener.fileno()),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command,
        env=env,
        cwd=workdir,
        pass_fds=(listener.fileno(),),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    listener.close()
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {log_path.read_text()}")
            try:
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start in time")
            time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        killed = False
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)
            killed = True
        log.close()
        # A server that ignores SIGTERM (a request or a stream it never lets go of) is a
        # failure of its own, unless the test is already failing for another reason.
        if killed and sys.exc_info()[0] is None:
            raise RuntimeError(f"the server did not stop on SIGTERM: {log_path.read_text()}")
