"""Group commit (SQLite served by one process): writers queued behind each other share one
transaction, each in a savepoint of its own, and are answered once it is committed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError, OperationalError, PendingRollbackError
from sqlalchemy.orm import Session

from carpet_shop.branches.models import Branch
from carpet_shop.core import sqlite
from carpet_shop.core.database import Database
from carpet_shop.core.errors import Conflict, InvalidCredentials
from carpet_shop.core.group_commit import GroupCommit, GroupNotSaved
from carpet_shop.core.prepared import connection_of, run_sql

Work = Callable[[Session], Awaitable[None] | None]


@pytest.fixture
def group_commit(db: Database, backend) -> GroupCommit:
    if backend.name != "sqlite":
        pytest.skip("PostgreSQL runs writers concurrently and groups commits itself")
    assert db.group_commit is not None
    return db.group_commit


@pytest.fixture
def commits(db: Database) -> Iterator[list[str]]:
    """What happened, in order: "commit" for each real commit of the database."""
    events: list[str] = []

    def on_commit(connection) -> None:
        events.append("commit")

    event.listen(db.engine, "commit", on_commit)
    yield events
    event.remove(db.engine, "commit", on_commit)


def _add_branch(name: str) -> Work:
    def work(session: Session) -> None:
        session.add(Branch(name=name, code=name[:2].upper()))
        session.flush()

    return work


def _saved(db: Database) -> set[str]:
    with db.transaction(write=False) as session:
        return set(session.scalars(select(Branch.name)))


async def _writer(
    group_commit: GroupCommit, work: Work, events: list[str], name: str
) -> BaseException | None:
    """Run `work` as one request; log when the request is answered; return its error."""
    try:
        async with group_commit.session() as session:
            done = work(session)
            if done is not None:
                await done
    except Exception as exc:
        events.append(f"answered {name}")
        return exc
    events.append(f"answered {name}")
    return None


def _run(*writers: Awaitable[BaseException | None]) -> list[BaseException | None]:
    async def together() -> list[BaseException | None]:
        return await asyncio.wait_for(asyncio.gather(*writers), timeout=10)

    return asyncio.run(together())


def test_writers_waiting_for_their_turn_share_one_commit_and_are_answered_after_it(
    db, group_commit, commits
):
    outcomes = _run(
        *(_writer(group_commit, _add_branch(n), commits, n) for n in ("Alpha", "Beta", "Gamma"))
    )
    assert outcomes == [None, None, None]
    assert commits[0] == "commit"
    assert sorted(commits[1:]) == ["answered Alpha", "answered Beta", "answered Gamma"]
    assert _saved(db) == {"Alpha", "Beta", "Gamma"}


def test_a_lone_writer_commits_at_once(db, group_commit, commits):
    assert _run(_writer(group_commit, _add_branch("Alone"), commits, "Alone")) == [None]
    assert commits == ["commit", "answered Alone"]
    assert _saved(db) == {"Alone"}


@pytest.mark.parametrize("error", [Conflict("after the write"), KeyError("a bug")])
def test_a_failed_writer_rolls_back_only_its_own_writes(db, group_commit, commits, error):
    def fails(session: Session) -> None:
        _add_branch("Beta")(session)
        raise error

    outcomes = _run(
        _writer(group_commit, _add_branch("Alpha"), commits, "Alpha"),
        _writer(group_commit, fails, commits, "Beta"),
        _writer(group_commit, _add_branch("Gamma"), commits, "Gamma"),
    )
    assert outcomes == [None, error, None]
    # The refusal, too, is answered only after the group's commit.
    assert commits.count("commit") == 1 and commits[0] == "commit"
    assert _saved(db) == {"Alpha", "Gamma"}


def test_an_error_that_keeps_writes_keeps_them(db, group_commit, commits):
    def counted_failure(session: Session) -> None:
        _add_branch("Attempt")(session)
        raise InvalidCredentials

    outcomes = _run(
        _writer(group_commit, counted_failure, commits, "Attempt"),
        _writer(group_commit, _add_branch("Other"), commits, "Other"),
    )
    assert isinstance(outcomes[0], InvalidCredentials)
    assert outcomes[1] is None
    assert _saved(db) == {"Attempt", "Other"}


def test_a_failed_commit_saves_nothing_of_the_group_and_every_writer_is_told(
    db, group_commit, commits
):
    def breaks_the_commit(session: Session) -> None:
        # A foreign key checked only at COMMIT: the group's commit itself fails.
        session.execute(text("PRAGMA defer_foreign_keys = ON"))
        session.add(Branch(name="Broken", code="BR", deleted_by_id=uuid.uuid4()))
        session.flush()

    outcomes = _run(
        _writer(group_commit, _add_branch("Alpha"), commits, "Alpha"),
        _writer(group_commit, breaks_the_commit, commits, "Broken"),
    )
    assert all(isinstance(o, GroupNotSaved) for o in outcomes), outcomes
    assert "FOREIGN KEY" in str(outcomes[0].__cause__)
    assert _saved(db) == set()
    # The next writer starts a group of its own and is saved.
    assert _run(_writer(group_commit, _add_branch("After"), commits, "After")) == [None]
    assert _saved(db) == {"After"}


def test_a_group_takes_at_most_its_members_then_commits(db, group_commit, commits):
    small = GroupCommit(sqlite.writing(db.engine).connect, asyncio.Semaphore(1), max_members=2)
    names = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
    outcomes = _run(*(_writer(small, _add_branch(n), commits, n) for n in names))
    assert outcomes == [None] * 5
    assert commits.count("commit") == 3
    assert _saved(db) == set(names)


def test_a_writer_cancelled_just_as_it_is_handed_the_group_does_not_strand_it(
    db, group_commit, commits
):
    async def scenario() -> tuple[BaseException | None, bool]:
        late: asyncio.Task[BaseException | None] | None = None

        def hands_over(session: Session) -> None:
            _add_branch("Alpha")(session)
            # Runs right after this writer has handed the open group to `late`, before
            # `late` wakes up to go on with it.
            assert late is not None
            asyncio.get_running_loop().call_soon(late.cancel)

        first = asyncio.create_task(_writer(group_commit, hands_over, commits, "Alpha"))
        late = asyncio.create_task(_writer(group_commit, _add_branch("Late"), commits, "Late"))
        outcome = await asyncio.wait_for(first, timeout=5)
        with pytest.raises(asyncio.CancelledError):
            await late
        return outcome, late.cancelled()

    outcome, cancelled = asyncio.run(scenario())
    assert outcome is None and cancelled
    assert commits == ["commit", "answered Alpha"]
    assert _saved(db) == {"Alpha"}


def test_group_commit_is_for_sqlite_served_by_one_process(settings, backend):
    one_process = Database.from_settings(settings)
    several = Database.from_settings(settings.model_copy(update={"web_concurrency": 4}))
    try:
        assert (one_process.group_commit is not None) is (backend.name == "sqlite")
        assert several.group_commit is None
    finally:
        one_process.dispose()
        several.dispose()


def _bad_branch(session: Session) -> None:
    """A row the database refuses at its flush (a foreign key to no user)."""
    session.add(Branch(name="Bad", code="BA", deleted_by_id=uuid.uuid4()))


def _bad_branch_then_a_kept_error(session: Session) -> None:
    """A failed sign-in keeps its writes (the attempt counts): here they cannot be written."""
    _bad_branch(session)
    raise InvalidCredentials


@pytest.mark.parametrize("work", [_bad_branch, _bad_branch_then_a_kept_error])
def test_a_writer_whose_writes_fail_at_the_flush_fails_alone(db, group_commit, commits, work):
    outcomes = _run(
        _writer(group_commit, _add_branch("Alpha"), commits, "Alpha"),
        _writer(group_commit, work, commits, "Bad"),
        _writer(group_commit, _add_branch("Gamma"), commits, "Gamma"),
    )
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], IntegrityError)
    assert _saved(db) == {"Alpha", "Gamma"}


def test_a_nested_savepoint_a_writer_recovers_from_keeps_the_rest(db, group_commit, commits):
    def recovers(session: Session) -> None:
        _add_branch("Beta")(session)
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(Branch(name="Beta", code="BB"))  # the name is taken
        _add_branch("Delta")(session)

    outcomes = _run(
        _writer(group_commit, _add_branch("Alpha"), commits, "Alpha"),
        _writer(group_commit, recovers, commits, "Beta"),
    )
    assert outcomes == [None, None]
    assert _saved(db) == {"Alpha", "Beta", "Delta"}


def test_after_a_failed_flush_nothing_more_runs_in_the_writers_name(db, group_commit, commits):
    def goes_on(session: Session) -> None:
        connection_of(session)
        _bad_branch(session)
        with pytest.raises(IntegrityError):
            session.flush()
        # Prepared statements ask for the connection too: refused, as the session refuses.
        run_sql(connection_of(session), "CREATE TABLE sneaked_in (x)")

    outcomes = _run(
        _writer(group_commit, _add_branch("Alpha"), commits, "Alpha"),
        _writer(group_commit, goes_on, commits, "Bad"),
    )
    assert outcomes[0] is None
    assert isinstance(outcomes[1], PendingRollbackError)
    with db.engine.connect() as connection:
        tables = connection.exec_driver_sql("SELECT name FROM sqlite_master").scalars().all()
    assert "sneaked_in" not in tables
    assert _saved(db) == {"Alpha"}


def test_a_group_open_too_long_takes_no_one_more(db, group_commit, commits):
    at_once = GroupCommit(sqlite.writing(db.engine).connect, asyncio.Semaphore(1), max_seconds=0)
    outcomes = _run(*(_writer(at_once, _add_branch(n), commits, n) for n in ("Alpha", "Beta")))
    assert outcomes == [None, None]
    assert commits == ["commit", "answered Alpha", "commit", "answered Beta"]


def test_cancellations_leave_the_turn_and_the_connection_free(db, group_commit, commits):
    slots = asyncio.Semaphore(1)
    own = GroupCommit(sqlite.writing(db.engine).connect, slots)

    async def scenario() -> None:
        # Cancelled while yielding to late arrivals, before its commit: committed anyway.
        def cancelled_at_the_end(session: Session) -> None:
            _add_branch("Alpha")(session)
            task = asyncio.current_task()
            assert task is not None
            asyncio.get_running_loop().call_soon(task.cancel)

        first = asyncio.create_task(_writer(own, cancelled_at_the_end, commits, "Alpha"))
        with pytest.raises(asyncio.CancelledError):
            await first
        assert not slots.locked()
        # Cancelled while waiting for a connection: nothing held, nothing written.
        await slots.acquire()
        waiting = asyncio.create_task(_writer(own, _add_branch("Beta"), commits, "Beta"))
        await asyncio.sleep(0.01)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        slots.release()
        # Cancelled while waiting for its turn, before being handed it.
        gate = asyncio.Event()

        async def holds_the_turn(session: Session) -> None:
            _add_branch("Gamma")(session)
            await gate.wait()

        holder = asyncio.create_task(_writer(own, holds_the_turn, commits, "Gamma"))
        await asyncio.sleep(0.01)
        queued = asyncio.create_task(_writer(own, _add_branch("Delta"), commits, "Delta"))
        await asyncio.sleep(0.01)
        queued.cancel()
        gate.set()
        assert await asyncio.wait_for(holder, timeout=5) is None
        # The next writer goes through, and the connection is free afterwards.
        assert await asyncio.wait_for(_writer(own, _add_branch("Zeta"), commits, "Z"), 5) is None
        assert not slots.locked()

    asyncio.run(scenario())
    assert _saved(db) == {"Alpha", "Gamma", "Zeta"}


def test_a_savepoint_rolled_back_to_is_also_released(db, backend):
    if backend.name != "sqlite":
        pytest.skip("the SQLite dialect's savepoints")
    with db.engine.connect() as connection, connection.begin():
        nested = connection.begin_nested()
        nested.rollback()
        with pytest.raises(OperationalError, match="no such savepoint"):
            run_sql(connection, "RELEASE SAVEPOINT sa_savepoint_1")
