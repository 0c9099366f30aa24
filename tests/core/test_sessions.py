"""Read and write sessions, declared per route: every route says which it works in, and
that declaration decides the transaction and where the route's work runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from carpet_shop.auth.dependencies import AdminActor, CurrentActor
from carpet_shop.branches import service as branches_service
from carpet_shop.branches.schemas import BranchCreate
from carpet_shop.core.dependencies import AppClock
from carpet_shop.core.read_cache import kept
from carpet_shop.core.sessions import (
    QuickReadSession,
    ReadSession,
    SessionKind,
    SessionRoute,
    WriteSession,
    declared_session,
)
from tests.factories import assert_error, assert_ok, auth_headers


def _api_routes(routes: list[BaseRoute]) -> Iterator[APIRoute]:
    """Every API route, with those of included routers (FastAPI keeps them in their router)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def test_every_route_declares_its_session_in_its_signature(app):
    routes = list(_api_routes(app.routes))
    assert len(routes) > 50
    undeclared = [
        f"{sorted(r.methods)} {r.path}"
        for r in routes
        if not isinstance(r, SessionRoute) or declared_session(r.endpoint) is None
    ]
    assert undeclared == []


# Posts that write no row: a photo is decoded and stored as files, outside any transaction.
POSTS_THAT_READ = {"/api/upload/product-photo"}


def test_safe_methods_read_and_the_others_write(app):
    """Nothing in this build writes on a GET; a route that did would declare WriteSession
    (and a read session refuses to write, below)."""
    for route in _api_routes(app.routes):
        if isinstance(route, SessionRoute):
            reads = route.methods <= {"GET", "HEAD"} or route.path in POSTS_THAT_READ
            expected = {SessionKind.READ, SessionKind.QUICK_READ} if reads else {SessionKind.WRITE}
            assert route.session_kind in expected, (route.methods, route.path)


def test_the_check_sees_a_route_without_a_declaration(app, factory):
    def undeclared(actor: CurrentActor) -> None:
        return None

    app.add_api_route("/api/test-undeclared", undeclared, methods=["GET"])
    route = app.routes[-1]
    assert isinstance(route, SessionRoute) and route.session_kind is None
    with TestClient(app, raise_server_exceptions=False) as client:
        director = auth_headers(client, factory.admin())
        assert_error(client.get("/api/test-undeclared", headers=director), 500, "INTERNAL_ERROR")


def test_a_read_session_refuses_to_write(app, factory):
    def writes_in_a_read(actor: AdminActor, session: ReadSession, clock: AppClock) -> None:
        branches_service.create_branch(session, actor, clock, BranchCreate(name="Read only"))

    app.add_api_route("/api/test-read-writes", writes_in_a_read, methods=["GET"])
    with TestClient(app, raise_server_exceptions=False) as client:
        director = auth_headers(client, factory.admin())
        assert_error(client.get("/api/test-read-writes", headers=director), 500, "INTERNAL_ERROR")
        assert assert_ok(client.get("/api/branches", headers=director)) == []


def test_where_work_runs_is_decided_by_the_session(app, factory, backend):
    """SQLite served by one process: writes on the event loop (they take turns there), reads
    in the thread pool (a long one never holds up the loop). PostgreSQL: both in threads."""
    threads: dict[str, int] = {}

    async def on_the_loop(session: ReadSession) -> None:
        threads["loop"] = threading.get_ident()

    def read(actor: CurrentActor, session: ReadSession) -> None:
        threads["read"] = threading.get_ident()

    def write(actor: CurrentActor, session: WriteSession) -> None:
        threads["write"] = threading.get_ident()

    def quick(actor: CurrentActor, session: QuickReadSession) -> None:
        threads["quick"] = threading.get_ident()

    app.add_api_route("/api/test-loop", on_the_loop, methods=["GET"])
    app.add_api_route("/api/test-read", read, methods=["GET"])
    app.add_api_route("/api/test-write", write, methods=["POST"])
    app.add_api_route("/api/test-quick", quick, methods=["GET"])
    with TestClient(app) as client:
        director = auth_headers(client, factory.admin())
        client.get("/api/test-loop")
        assert client.get("/api/test-read", headers=director).status_code == 200
        assert client.post("/api/test-write", headers=director).status_code == 200
        assert client.get("/api/test-quick", headers=director).status_code == 200
    assert threads["read"] != threads["loop"]
    assert (threads["write"] == threads["loop"]) is (backend.name == "sqlite")
    # Nothing kept was read: the route ran on the loop (SQLite) from start to end.
    assert (threads["quick"] == threads["loop"]) is (backend.name == "sqlite")


def test_a_quick_read_is_served_on_the_loop_only_while_its_answer_is_kept(app, factory, backend):
    """SQLite served by one process: the first request reads the database in a reader
    thread and keeps its answer; the next one, with nothing committed in between, is
    answered on the event loop. PostgreSQL without Redis keeps nothing: always threads."""
    threads: dict[str, int] = {}
    made: list[int] = []

    async def on_the_loop(session: ReadSession) -> None:
        threads["loop"] = threading.get_ident()

    def quick(actor: CurrentActor, session: QuickReadSession) -> None:
        def make() -> str:
            made.append(threading.get_ident())
            return "answer"

        assert kept(session, "test.quick", 4, "key", make) == "answer"
        threads.setdefault("first", threading.get_ident())
        threads["last"] = threading.get_ident()

    app.add_api_route("/api/test-loop", on_the_loop, methods=["GET"])
    app.add_api_route("/api/test-quick-kept", quick, methods=["GET"])
    with TestClient(app) as client:
        director = auth_headers(client, factory.admin())
        client.get("/api/test-loop")
        for _ in range(2):
            assert client.get("/api/test-quick-kept", headers=director).status_code == 200
    assert threads["first"] != threads["loop"] and made[0] != threads["loop"]
    if backend.name == "sqlite":
        assert len(made) == 1 and threads["last"] == threads["loop"]
    else:
        assert len(made) == 2 and threads["last"] != threads["loop"]


@pytest.mark.parametrize("kind", [ReadSession, WriteSession])
def test_a_route_declares_one_session(kind):
    def both(a: QuickReadSession, b: WriteSession) -> None:
        return None

    with pytest.raises(TypeError, match="more than one session"):
        declared_session(both)
