"""Online backup and restore of the SQLite database file, and backups on a schedule with a
retention (PostgreSQL has pg_dump for that: README "Production")."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from carpet_shop.core.config import Settings
from carpet_shop.core.database import Database
from carpet_shop.core.scheduler import PeriodicJob

log = logging.getLogger("carpet_shop.backup")


class BackupError(RuntimeError):
    pass


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            "backup and restore handle SQLite files; for PostgreSQL use pg_dump and pg_restore"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(url.database)


def _marker(database: Path) -> Path:
    return database.with_name(database.name + ".serving")


@contextmanager
def serving(database_url: str) -> Iterator[None]:
    """Held by every process serving the database (shared), so that `restore` can tell.

    An advisory lock on a file beside the database: released by the system when the process
    ends, however it ends, so a crashed service never blocks a restore.
    """
    try:
        database = sqlite_path(database_url)
    except BackupError:
        yield  # PostgreSQL or in memory: nothing to restore over
        return
    try:
        descriptor = os.open(_marker(database), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        # No directory (or not writable): no database to restore over either; /health says
        # what is wrong with it.
        yield
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BackupError(f"{database} is being restored; start the service after") from exc
        yield
    finally:
        os.close(descriptor)


@contextmanager
def _not_served(database: Path) -> Iterator[None]:
    descriptor = os.open(_marker(database), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BackupError(
                f"The service is using {database}: stop it (e.g. systemctl stop carpet-shop), "
                "then restore."
            ) from exc
        yield
    finally:
        os.close(descriptor)


def _integrity(path: Path) -> None:
    try:
        with closing(sqlite3.connect(path)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
    except sqlite3.DatabaseError as exc:
        # Not an SQLite file at all, or one too damaged to be read.
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from exc
    if not result or result[0] != "ok":
        raise BackupError(f"integrity check of {path} failed: {result}")
    if "alembic_version" not in tables:
        raise BackupError(f"{path} is not a Carpet Shop database (no alembic_version table)")


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while the source is being written."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def backup(database_url: str, target: Path) -> Path:
    """Copy the live database page by page (consistent even while the service writes)."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)
    _integrity(target)
    return target


def restore(database_url: str, source: Path) -> Path:
    """Replace the database's content with a checked backup, through SQLite's backup API."""
    target = sqlite_path(database_url)
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    _integrity(source)
    if not target.parent.is_dir():
        raise BackupError(f"The directory {target.parent} (from DATABASE_URL) does not exist")
    with _not_served(target):
        _copy(source, target)
    _integrity(target)
    return target


BACKUP_NAME = "carpet_shop-{stamp}.db"
_STAMP = "%Y%m%d-%H%M%S-%f"


def _backups_in(folder: Path) -> list[Path]:
    """This service's backups in `folder`, oldest first (their names sort by time)."""
    return sorted(p for p in folder.glob("carpet_shop-*.db") if p.is_file())


def backup_into(database_url: str, folder: Path, *, keep: int, now: datetime) -> Path:
    """A new, checked backup in `folder`, then only the newest `keep` of them are kept.

    Older ones are removed only after the new one has passed its integrity check, so a
    failing backup never costs a good one."""
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    written = backup(
        database_url, folder / BACKUP_NAME.format(stamp=now.astimezone(UTC).strftime(_STAMP))
    )
    for old in _backups_in(folder)[:-keep]:
        old.unlink(missing_ok=True)
    return written


def scheduled(database: Database, settings: Settings) -> PeriodicJob:
    """Backups every BACKUP_INTERVAL_HOURS by one of the serving processes, BACKUP_KEEP kept."""
    folder = Path(settings.backup_dir)

    def run() -> None:
        written = backup_into(
            settings.database_url, folder, keep=settings.backup_keep, now=datetime.now(UTC)
        )
        log.info("backup written to %s (integrity ok)", written)

    return PeriodicJob(database, "sqlite-backup", settings.backup_interval_hours * 3600, run)
