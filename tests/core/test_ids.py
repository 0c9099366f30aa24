"""Row ids are version 7 UUIDs: unique, and growing with the time they were made."""

from __future__ import annotations

import time
import uuid

from carpet_shop.core.ids import new_id
from tests.factories import assert_ok, auth_headers


def test_ids_are_version_7_and_unique():
    ids = [new_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert {i.version for i in ids} == {7}
    assert {i.variant for i in ids} == {uuid.RFC_4122}


def test_ids_carry_the_time_they_were_made():
    before = time.time_ns() // 1_000_000
    made = new_id()
    after = time.time_ns() // 1_000_000
    assert before <= made.int >> 80 <= after


def test_a_later_id_sorts_after_an_earlier_one():
    earlier = new_id()
    time.sleep(0.002)
    later = new_id()
    assert earlier < later
    assert earlier.hex < later.hex  # as SQLite stores them


def test_ids_made_within_one_millisecond_still_sort_in_the_order_made():
    # A group of sales is written within a millisecond or two: its rows' ids must still
    # follow each other on the index's last leaf.
    burst = [new_id() for _ in range(5_000)]
    assert len({i.int >> 80 for i in burst}) < len(burst)  # many share a millisecond
    assert burst == sorted(burst)
    assert [i.hex for i in burst] == sorted(i.hex for i in burst)


def test_ids_are_the_standard_librarys_uuids():
    # What SQLAlchemy's Uuid type, Pydantic and json encoders expect; not a look-alike.
    made = new_id()
    assert type(made) is uuid.UUID
    assert uuid.UUID(str(made)) == made


def test_new_rows_get_time_ordered_ids(client, factory):
    director = auth_headers(client, factory.admin())
    created = assert_ok(
        client.post("/api/branches", json={"name": "Yunusobod"}, headers=director), 201
    )
    assert uuid.UUID(created["id"]).version == 7
