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


def test_new_rows_get_time_ordered_ids(client, factory):
    director = auth_headers(client, factory.admin())
    created = assert_ok(
        client.post("/api/branches", json={"name": "Yunusobod"}, headers=director), 201
    )
    assert uuid.UUID(created["id"]).version == 7
