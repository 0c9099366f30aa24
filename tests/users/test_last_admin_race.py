"""Two directors deactivating each other at the same moment must not leave the shop without one."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from carpet_shop.core.actor import Actor
from carpet_shop.core.errors import Conflict
from carpet_shop.users import service as users_service
from carpet_shop.users.models import Role
from carpet_shop.users.schemas import UserUpdate
from tests.factories import META


def test_two_directors_deactivating_each_other_leave_one_active(backend, factory):
    if backend.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time; PostgreSQL runs both at once")
    first = factory.admin()
    second = factory.user(role=Role.ADMIN, username="director2")
    hasher = factory.policy.hasher
    outcome: list[BaseException | None] = []
    done = threading.Event()

    def deactivate(session, actor_user, target):  # type: ignore[no-untyped-def]
        actor = Actor(user=users_service.get_user(session, actor_user.id), meta=META)
        users_service.update_user(
            session, actor, factory.clock, hasher, target.id, UserUpdate(is_active=False)
        )

    holder = factory.db.session(write=True)
    deactivate(holder, first, second)  # not committed yet

    def other_director() -> None:
        try:
            with factory.db.transaction() as session:
                deactivate(session, second, first)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=other_director)
    thread.start()
    # Let the other director's request get as far as it can while the first is still open:
    # either it finishes, or it waits on the first one's row locks.
    with factory.db.engine.connect() as probe:
        while not done.is_set():
            waiting = probe.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar()
            if waiting:
                break
            probe.rollback()
            done.wait(0.01)
    holder.commit()
    holder.close()
    thread.join(timeout=30)

    assert len(outcome) == 1
    assert isinstance(outcome[0], Conflict), outcome
    with factory.db.transaction(write=False) as session:
        active = [u for u in (users_service.get_user(session, a.id) for a in (first, second))]
        assert [u.is_active for u in active] == [True, False]
