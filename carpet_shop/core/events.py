"""What a transaction announces once it is committed (live notifications, cache news).

A service records an announcement on its session with `announce`; whoever ends the
transaction (the request's session dependency, `Database.transaction`) hands the
announcements to the app's listeners after the commit, and drops them on a rollback. A
listener gets only ids and keys: what they name is read from the database, so an
announcement that outlived a rolled-back savepoint names nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

log = logging.getLogger("carpet_shop.events")

_PENDING = "carpet_shop_announcements"


@dataclass(frozen=True)
class Announcement:
    topic: str
    payload: dict[str, Any]


Listener = Callable[[list[Announcement]], None]


def announce(session: Session, topic: str, payload: dict[str, Any]) -> None:
    session.info.setdefault(_PENDING, []).append(Announcement(topic, payload))


def take(session: Session) -> list[Announcement]:
    """The session's announcements, removed from it (call after its commit, or to drop them)."""
    pending: list[Announcement] = session.info.pop(_PENDING, [])
    return pending


class Announcer:
    """The app's listeners; a failing listener is logged and never fails the request whose
    writes are already committed."""

    def __init__(self) -> None:
        self.listeners: list[Listener] = []

    def committed(self, session: Session) -> None:
        announcements = take(session)
        if not announcements:
            return
        for listener in self.listeners:
            try:
                listener(announcements)
            except Exception:
                log.exception("an after-commit listener failed")
