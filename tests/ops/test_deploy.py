"""deploy/: the systemd unit starts the command as it exists, with settings that exist."""

from __future__ import annotations

import shlex
from pathlib import Path

from carpet_shop.core.config import Settings
from tests import test_cli

run = test_cli.run  # the CLI fixture
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _unit() -> list[str]:
    return (DEPLOY / "carpet-shop.service").read_text().splitlines()


def test_the_unit_sets_only_real_settings():
    names = {name.upper() for name in Settings.model_fields} | {"PROMETHEUS_MULTIPROC_DIR"}
    set_here = [
        line.removeprefix("Environment=").split("=")[0]
        for line in _unit()
        if line.startswith("Environment=")
    ]
    assert set_here and set(set_here) <= names
    example = (DEPLOY / "carpet-shop.env.example").read_text().splitlines()
    assert {line.split("=")[0] for line in example if line and not line.startswith("#")} <= names


def test_the_units_command_starts_the_service(run, monkeypatch, tmp_path):
    (exec_start,) = [line for line in _unit() if line.startswith("ExecStart=")]
    command = shlex.split(exec_start.removeprefix("ExecStart="))
    assert command[0].endswith("/carpet-shop")
    args = [a if a != "8000" else "0" for a in command[1:]]  # any free port
    served: list[dict] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: served.append(k))
    # Set here so that they are put back afterwards: `serve` sets both for its workers.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    result = run(*args, env={"DATABASE_URL": f"sqlite:///{tmp_path}/shop.db"})
    assert result.exit_code == 0, result.output
    (options,) = served
    assert options["workers"] == 4 and options["host"] == "127.0.0.1"


def test_the_proxies_pass_live_events_unbuffered_and_serve_photos_from_disk():
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert "flush_interval -1" in caddy and "handle_path /uploads/*" in caddy
    assert "encode zstd gzip" in caddy
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_buffering off" in nginx and "location /uploads/" in nginx
    assert "listen 443 ssl" in nginx and "gzip on" in nginx
