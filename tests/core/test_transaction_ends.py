"""A request's transaction ends in the call that ran its route, never later: no row it locked,
no snapshot it read, is held while it waits for a thread, the event loop or its client.

The route's body and its commit run in one thread call (core.database.run_to_the_end); a
dependency's reads (who is signed in) end theirs in their own call. On SQLite served by one
process, writes run on the event loop and commit in groups instead (core.group_commit).
"""

from __future__ import annotations

import threading
from typing import Any

import anyio
import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from carpet_shop.auth.dependencies import CurrentActor
from carpet_shop.core.sessions import ReadSession
from carpet_shop.sales import service as sales_service
from carpet_shop.users.models import User
from carpet_shop.users.schemas import UserRead
from tests.factories import assert_error, auth_headers
from tests.shop import make_shop

# Other backends of this database inside a transaction doing nothing, and the row and
# transaction locks they hold.
HELD = text(
    "SELECT"
    " (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    "  AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'),"
    " (SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
    "  WHERE a.datname = current_database() AND l.pid <> pg_backend_pid()"
    "  AND l.locktype IN ('tuple', 'transactionid'))"
)
# Deadlock guard only (the regression this test catches waits forever), not a timing.
GIVE_UP_S = 60.0


def test_sql_after_the_route_s_transaction_ended_fails_in_tests(app, factory):
    """A lazy load while the answer is shaped would begin a transaction after the route's
    ended; the tests' databases refuse it (`Database.check_ends`)."""

    def shaped_too_late(actor: CurrentActor, session: ReadSession) -> Any:
        user = session.get(User, actor.id)
        session.expire(user)  # its columns now load on first use: after the commit
        return user

    app.add_api_route(
        "/api/test-shaped-late", shaped_too_late, methods=["GET"], response_model=UserRead
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        director = auth_headers(client, factory.admin())
        assert_error(client.get("/api/test-shaped-late", headers=director), 500, "INTERNAL_ERROR")


def test_a_sale_holds_no_transaction_while_it_waits_for_a_thread(
    client, factory, db, backend, monkeypatch
):
    """Every thread taken by others the moment the sale's body has locked its rows: its
    commit must not need another thread, and nothing stays idle in transaction."""
    if backend.name != "postgresql":
        pytest.skip("PostgreSQL's row locks; SQLite's writes run on the event loop")
    shop = make_shop(factory, client)
    product = factory.product(shop.branch, stock=5)
    portal = client.portal
    assert portal is not None
    gate, occupied = threading.Event(), threading.Event()

    async def set_tokens(n: float) -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = n

    def hold() -> None:
        occupied.set()
        gate.wait()

    async def occupy() -> None:
        await anyio.to_thread.run_sync(hold)

    async def one_waiting() -> None:
        limiter = anyio.to_thread.current_default_thread_limiter()
        while limiter.statistics().tasks_waiting < 1 and not gate.is_set():
            await anyio.sleep(0)

    create_sale = sales_service.create_sale

    def create_and_fill_the_pool(*args: Any, **kwargs: Any) -> Any:
        view = create_sale(*args, **kwargs)  # its rows are locked and written, not committed
        # The other thread is taken, and the next one freed is promised to another caller.
        portal.start_task_soon(occupy)
        occupied.wait()
        portal.start_task_soon(occupy)
        portal.call(one_waiting)
        return view

    monkeypatch.setattr(sales_service, "create_sale", create_and_fill_the_pool)
    portal.call(set_tokens, 2)
    answers: list[int] = []
    selling = threading.Thread(
        target=lambda: answers.append(shop.sell(shop.seller_h, product).status_code)
    )
    try:
        selling.start()
        # Answered while every thread is still held: its commit needed none of them.
        selling.join(GIVE_UP_S)
        with db.engine.connect() as other:
            held = other.execute(HELD).one()
    finally:
        gate.set()
        selling.join(GIVE_UP_S)
        portal.call(set_tokens, 40)
    assert answers == [201], "the sale's commit waited for a thread others held"
    assert tuple(held) == (0, 0), "idle in transaction, row or transaction locks still held"
