"""Row ids: UUIDs whose leading bits are the time they were made (version 7, RFC 9562).

Random (version 4) ids land anywhere in their index, so every new row reads and rewrites a
leaf page of its own; ids that grow with time land on the index's last leaf, which rows made
together share. With a shop's tables at millions of rows, that is most of the pages a sale
reads and writes (see core.group_commit). Python has `uuid.uuid7` from 3.14 on.
"""

from __future__ import annotations

import os
import time
import uuid

_VERSION_7 = 0x7 << 76
_VARIANT_RFC = 0x2 << 62
_RANDOM_A = ((1 << 12) - 1) << 64  # 12 random bits after the version
_RANDOM_B = (1 << 62) - 1  # 62 random bits after the variant


def new_id() -> uuid.UUID:
    """A version 7 UUID: 48 bits of Unix time in milliseconds, then 74 random bits."""
    millis = time.time_ns() // 1_000_000
    bits = int.from_bytes(os.urandom(10))
    return uuid.UUID(
        int=(millis << 80) | _VERSION_7 | (bits & _RANDOM_A) | _VARIANT_RFC | (bits & _RANDOM_B)
    )
