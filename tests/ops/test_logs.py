"""Logs: one format for the service's lines and uvicorn's, with the request's id, user,
route and duration; JSON for collectors; a file rotated at 10 MB with 5 kept."""

from __future__ import annotations

import json
import logging
import logging.handlers

from fastapi.testclient import TestClient

from carpet_shop.core import logs
from carpet_shop.main import create_app
from tests.factories import auth_headers


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_json_lines_carry_the_request_user_route_and_duration(
    settings, db, clock, factory, tmp_path
):
    log_file = tmp_path / "logs" / "shop.log"
    configured = settings.model_copy(update={"log_format": "json", "log_file": str(log_file)})
    app = create_app(settings=configured, database=db, clock=clock)
    branch = factory.branch()
    seller = factory.seller(branch)
    product = factory.product(branch)
    with TestClient(app) as client:
        headers = auth_headers(client, seller)
        response = client.get(f"/api/products/{product.id}", headers=headers)
        assert response.status_code == 200
        request_id = response.headers["X-Request-ID"]
        logging.getLogger("uvicorn.error").info("uvicorn says hello")
        # A real server's own line per request would repeat carpet_shop.access's.
        logging.getLogger("uvicorn.access").info("127.0.0.1:5000 - GET /api/products 200")
    entries = _lines(log_file)
    assert not [e for e in entries if e["logger"] == "uvicorn.access"]
    access = [e for e in entries if e.get("request_id") == request_id]
    assert len(access) == 1
    line = access[0]
    assert line["logger"] == "carpet_shop.access"
    assert line["route"] == "/api/products/{product_id}"
    assert line["user_id"] == str(seller.id)
    assert line["method"] == "GET" and line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    # uvicorn's lines in the same format, in the same file.
    uvicorn = [e for e in entries if e["logger"] == "uvicorn.error"]
    assert uvicorn and uvicorn[0]["message"] == "uvicorn says hello"
    assert {"time", "level", "process"} <= uvicorn[0].keys()


def test_text_lines_name_the_request_and_the_user(settings, db, clock, factory, capfd):
    app = create_app(settings=settings, database=db, clock=clock)
    admin = factory.admin()
    with TestClient(app) as client:
        response = client.get("/api/branches", headers=auth_headers(client, admin))
        request_id = response.headers["X-Request-ID"]
        client.get("/no/such/thing")
    err = capfd.readouterr().err
    line = next(x for x in err.splitlines() if request_id in x)
    assert f"[{request_id} user={admin.id}]" in line
    assert " INFO carpet_shop.access [" in line
    assert "] GET /api/branches 200 " in line
    assert "GET /no/such/thing 404" in err


def test_the_log_file_rotates_at_its_size_and_keeps_five(settings, monkeypatch, tmp_path):
    monkeypatch.setattr(logs, "LOG_FILE_BYTES", 2_000)
    log_file = tmp_path / "logs" / "shop.log"
    logs.configure(settings.model_copy(update={"log_file": str(log_file)}))
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    )
    assert handler.backupCount == logs.LOG_FILE_BACKUPS == 5
    for n in range(200):
        logging.getLogger("carpet_shop.test").info("line %s %s", n, "x" * 100)
    files = sorted(p.name for p in log_file.parent.iterdir())
    assert files == ["shop.log", *(f"shop.log.{n}" for n in range(1, 6))]
    assert all(p.stat().st_size <= 2_200 for p in log_file.parent.iterdir())
    logs.configure(settings)  # back to stderr only


def test_the_real_sizes_are_the_specifications():
    assert logs.LOG_FILE_BYTES == 10 * 1024 * 1024
