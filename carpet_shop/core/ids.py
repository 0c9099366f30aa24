"""Row ids: UUIDs whose leading bits are the time they were made (version 7, RFC 9562).

Random (version 4) ids land anywhere in their index, so every new row reads and rewrites a
leaf page of its own; ids that grow with time land on the index's last leaf, which rows made
together share. With a shop's tables at millions of rows, that is most of the pages a sale
reads and writes (see core.group_commit).

Made by `uuid-utils` (Rust's `uuid` crate), whose `compat` module answers the standard
library's `uuid.UUID`, as SQLAlchemy's Uuid type and Pydantic expect. Ids made within one
millisecond still grow: the bits after the time start with a counter (RFC 9562, method 1).
Python has `uuid.uuid7` from 3.14 on.
"""

from __future__ import annotations

import uuid

from uuid_utils.compat import uuid7


def new_id() -> uuid.UUID:
    """A version 7 UUID: 48 bits of Unix time in milliseconds, then a counter and random bits."""
    return uuid7()
