"""Caches that last until the next commit: the mark changes with every commit, from anywhere."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text

from carpet_shop.core.database import Database
from carpet_shop.core.read_cache import CommitWatch, ReadCache


def _rename(connection, name: str) -> None:
    connection.execute(text("UPDATE branches SET name = :name"), {"name": name})


def test_the_mark_changes_with_a_commit_from_any_connection_or_process(db, backend, factory):
    factory.branch("Chilonzor")
    if backend.name != "sqlite":
        assert db.commits.mark() is None, "PostgreSQL cannot tell commits apart: cache nothing"
        return
    first = db.commits.mark()
    assert first is not None
    assert db.commits.mark() == first, "nothing committed, nothing changed"
    with db.engine.begin() as conn:
        _rename(conn, "Yunusobod")
    second = db.commits.mark()
    assert second != first
    # Another process's write: a connection of its own, outside SQLAlchemy.
    path = db.engine.url.database
    assert path
    with sqlite3.connect(path) as other:
        other.execute("UPDATE branches SET name = 'Sergeli'")
    assert db.commits.mark() not in (first, second)
    # A transaction rolled back commits nothing.
    third = db.commits.mark()
    with db.engine.connect() as conn:
        _rename(conn, "Olmazor")
        conn.rollback()
    assert db.commits.mark() == third


def test_a_read_session_carries_the_mark_it_was_made_at_and_a_write_session_none(db, backend):
    with db.transaction(write=False) as session:
        assert Database.commit_mark(session) == db.commits.mark()
    with db.transaction(write=True) as session:
        assert Database.commit_mark(session) is None


def test_a_value_is_kept_under_its_mark_and_dropped_when_the_mark_moves():
    cache: ReadCache[str] = ReadCache(capacity=8)
    made: list[str] = []

    def make(value: str):
        def run() -> str:
            made.append(value)
            return value

        return run

    assert cache.get_or_make(1, "page 1", make("a")) == "a"
    assert cache.get_or_make(1, "page 1", make("b")) == "a"
    assert cache.get_or_make(2, "page 1", make("c")) == "c"
    assert cache.get_or_make(None, "page 1", make("d")) == "d", "no mark: never cached"
    assert cache.get_or_make(None, "page 1", make("e")) == "e"
    assert made == ["a", "c", "d", "e"]


def test_the_least_recently_read_value_goes_first_when_full():
    cache: ReadCache[int] = ReadCache(capacity=2)
    cache.get_or_make(1, "a", lambda: 1)
    cache.get_or_make(1, "b", lambda: 2)
    cache.get_or_make(1, "a", lambda: -1)  # read: now the most recent
    cache.get_or_make(1, "c", lambda: 3)  # "b" goes
    assert cache.get_or_make(1, "a", lambda: -1) == 1
    assert cache.get_or_make(1, "b", lambda: 20) == 20


def test_a_value_made_under_a_mark_that_moved_on_meanwhile_is_not_kept():
    cache: ReadCache[str] = ReadCache(capacity=8)

    def slow_read() -> str:
        # While this read runs, another request sees that something was committed.
        cache.get_or_make(2, "other", lambda: "newer")
        return "older"

    assert cache.get_or_make(1, "page", slow_read) == "older"
    assert cache.get_or_make(2, "page", lambda: "fresh") == "fresh"


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "sqlite://"])
def test_an_in_memory_database_is_never_cached(url):
    # Only the connection that made it sees an in-memory database: no mark can be trusted.
    assert CommitWatch(create_engine(url)).mark() is None


def test_no_mark_while_the_database_cannot_be_opened(tmp_path):
    missing = tmp_path / "no" / "such" / "shop.db"
    watch = CommitWatch(create_engine(f"sqlite:///{missing}"))
    assert watch.mark() is None
    missing.parent.mkdir(parents=True)
    sqlite3.connect(missing).close()
    assert watch.mark() is not None, "once it can be opened, marks come back"


def test_marks_after_reconnecting_never_repeat_earlier_ones(db, backend):
    if backend.name != "sqlite":
        return
    before = db.commits.mark()
    db.commits.close()  # e.g. the file could not be opened for a moment
    assert db.commits.mark() != before
