"""WAL checkpoints off the requests' path: committed pages reach the database file on the
checkpointer's thread, and commits only checkpoint themselves when the WAL grows large."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from carpet_shop.core.database import make_engine
from carpet_shop.core.sqlite import INLINE_CHECKPOINT_PAGES, Checkpointer


def _names_in_file_alone(path: Path, scratch: Path) -> list[str]:
    """The branch names the database file holds by itself, without its -wal file: what a
    checkpoint has copied."""
    copy = scratch / "alone.db"
    shutil.copyfile(path, copy)
    with sqlite3.connect(copy) as conn:
        return [name for (name,) in conn.execute("SELECT name FROM branches ORDER BY name")]


def _add_branch(engine, name: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO branches (id, name, code, created_at, updated_at) "
                "VALUES (lower(hex(randomblob(16))), :name, :name, '2026-01-01', '2026-01-01')"
            ),
            {"name": name},
        )


@pytest.fixture
def sqlite_file(db, backend, tmp_path):
    if backend.name != "sqlite":
        pytest.skip("WAL checkpoints are SQLite's")
    path = Path(db.engine.url.database)
    engine = make_engine(f"sqlite:///{path}")
    yield engine, path, tmp_path
    engine.dispose()


def test_commits_leave_small_wals_to_the_checkpointer(sqlite_file):
    engine, _, _ = sqlite_file
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert pages == INLINE_CHECKPOINT_PAGES


def test_a_checkpoint_copies_committed_pages_into_the_database_file(sqlite_file):
    engine, path, scratch = sqlite_file
    checkpointer = Checkpointer(engine)
    checkpointer.checkpoint()
    _add_branch(engine, "Sergeli")
    assert "Sergeli" not in _names_in_file_alone(path, scratch), "still only in the WAL"
    result = checkpointer.checkpoint()
    assert result is not None
    busy, frames, copied = result
    assert (busy, copied) == (0, frames) and frames > 0
    assert "Sergeli" in _names_in_file_alone(path, scratch)


def test_the_running_checkpointer_copies_pages_until_stopped(sqlite_file):
    engine, path, scratch = sqlite_file

    async def scenario() -> list[str]:
        checkpointer = Checkpointer(engine, interval=0.05)
        checkpointer.start()
        try:
            _add_branch(engine, "Olmazor")
            for _ in range(200):
                if "Olmazor" in _names_in_file_alone(path, scratch):
                    break
                await asyncio.sleep(0.05)
        finally:
            await checkpointer.stop()
        return _names_in_file_alone(path, scratch)

    assert "Olmazor" in asyncio.run(scenario())


def test_nothing_to_checkpoint_without_a_database_file(backend, tmp_path):
    engines = [create_engine("sqlite://")]
    if backend.name != "sqlite":
        engines.append(create_engine(backend.pg_url))
    for engine in engines:
        checkpointer = Checkpointer(engine)
        assert not checkpointer.needed
        assert checkpointer.checkpoint() is None
