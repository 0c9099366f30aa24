"""The database layer: SQLite pragmas, queued writers, one transaction per request."""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from carpet_shop.auth.dependencies import AdminActor
from carpet_shop.branches import service as branches_service
from carpet_shop.branches.models import Branch
from carpet_shop.branches.schemas import BranchCreate
from carpet_shop.core.database import Database
from carpet_shop.core.dependencies import AppClock
from carpet_shop.core.errors import Conflict
from carpet_shop.core.sessions import WriteSession
from tests.factories import assert_error, assert_ok, auth_headers


def test_sqlite_runs_in_wal_mode_with_foreign_keys(db, backend):
    if backend.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(db):
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO auth_sessions (id, user_id, refresh_token_hash, generation,"
                " created_at, last_used_at, expires_at)"
                " VALUES (:id, :user, 'x', 0, :now, :now, :now)"
            ),
            {"id": uuid.uuid4().hex, "user": uuid.uuid4().hex, "now": "2026-01-01 00:00:00"},
        )


def test_twenty_concurrent_writers_all_succeed(client, factory):
    director = auth_headers(client, factory.admin())
    barrier = threading.Barrier(20)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def create(n: int) -> None:
        barrier.wait(timeout=30)
        # Distinct first letters, so the generated receipt codes differ too.
        name = f"{chr(ord('A') + n)}{chr(ord('a') + n)} filiali"
        response = client.post("/api/branches", json={"name": name}, headers=director)
        with lock:
            results.append((response.status_code, response.text))

    threads = [threading.Thread(target=create, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 20
    failures = [r for r in results if r[0] != 201]
    assert not failures, failures
    assert all("locked" not in body for _, body in results)
    listed = client.get("/api/branches", headers=director)
    assert listed.json()["meta"]["total"] == 20


@pytest.mark.parametrize(("error", "status"), [(Conflict(), 409), (KeyError, 500)])
def test_a_failed_request_writes_nothing(app, factory, error, status):
    """The request is one transaction: an error after a write rolls the write back."""

    def half_done(actor: AdminActor, session: WriteSession, clock: AppClock) -> None:
        branches_service.create_branch(session, actor, clock, BranchCreate(name="Half done"))
        raise error

    app.add_api_route("/api/test-half-done", half_done, methods=["POST"])
    with TestClient(app, raise_server_exceptions=False) as client:
        director = auth_headers(client, factory.admin())
        assert client.post("/api/test-half-done", headers=director).status_code == status
        assert assert_ok(client.get("/api/branches", headers=director)) == []
        audit = assert_ok(
            client.get("/api/audit-logs", params={"entity_type": "branch"}, headers=director)
        )
        assert audit == []


def test_a_broken_invariant_in_the_database_is_an_internal_error_not_a_conflict(app, factory):
    """Only unique and foreign key races become a 409; other integrity errors are bugs."""

    def broken(actor: AdminActor, session: WriteSession) -> None:
        session.add(Branch(name=None, code="NN"))
        session.flush()

    app.add_api_route("/api/test-broken", broken, methods=["POST"])
    with TestClient(app, raise_server_exceptions=False) as client:
        director = auth_headers(client, factory.admin())
        assert_error(client.post("/api/test-broken", headers=director), 500, "INTERNAL_ERROR")


def test_calls_run_on_the_event_loop_only_for_sqlite_served_by_one_process(settings, backend):
    one_process = Database.from_settings(settings)
    several = Database.from_settings(settings.model_copy(update={"web_concurrency": 4}))

    async def thread_of(database: Database) -> int:
        return await database.run(threading.get_ident)

    try:
        assert one_process.inline is (backend.name == "sqlite")
        assert several.inline is False
        here = threading.get_ident()
        assert (asyncio.run(thread_of(one_process)) == here) is one_process.inline
        assert asyncio.run(thread_of(several)) != here
    finally:
        one_process.dispose()
        several.dispose()
