"""Changing one's own password needs the current one (ASVS V6.2.3), ends every other session
and answers a fresh token pair for the one in use; the director resetting someone else's
password needs none of it."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, assert_error, assert_ok, auth_headers, bearer, login


def _me(client, access):
    return client.get("/api/auth/me", headers=bearer(access))


@pytest.mark.parametrize("who", ["seller", "admin"])
def test_the_current_password_is_required(client, factory, who):
    user = factory.seller() if who == "seller" else factory.admin()
    tokens = login(client, user.username)
    url, headers = f"/api/users/{user.id}", bearer(tokens["access_token"])
    for body, message in (
        ({"password": "new-secret-1"}, "missing"),
        ({"password": "new-secret-1", "current_password": "wrong-one"}, "wrong"),
        ({"password": "new-secret-1", "current_password": ""}, "empty"),
    ):
        refused = assert_error(client.put(url, json=body, headers=headers), 422, "VALIDATION_ERROR")
        fields = [f["field"] for f in refused["error"]["details"]["fields"]]
        assert fields == ["current_password"], message
    # Nothing changed: the old password still signs in, the session still works.
    login(client, user.username, PASSWORD)
    assert_ok(_me(client, tokens["access_token"]))


def test_a_password_change_answers_a_fresh_pair_and_ends_every_other_session(client, factory):
    seller = factory.seller()
    current = login(client, seller.username)
    other = login(client, seller.username)
    changed = assert_ok(
        client.put(
            f"/api/users/{seller.id}",
            json={"password": "new-secret-1", "current_password": PASSWORD},
            headers=bearer(current["access_token"]),
        )
    )
    assert changed["id"] == str(seller.id)
    fresh = changed["tokens"]
    assert fresh["token_type"] == "bearer"
    assert {fresh["access_token"], fresh["refresh_token"]}.isdisjoint(
        {current["access_token"], current["refresh_token"]}
    )
    assert_ok(_me(client, fresh["access_token"]))
    for old in (current, other):
        assert_error(_me(client, old["access_token"]), 401, "UNAUTHORIZED")
        assert_error(
            client.post("/api/auth/refresh", json={"refresh_token": old["refresh_token"]}),
            401,
            "UNAUTHORIZED",
        )
    refreshed = assert_ok(
        client.post("/api/auth/refresh", json={"refresh_token": fresh["refresh_token"]})
    )
    assert_ok(_me(client, refreshed["access_token"]))
    assert_error(
        client.post("/api/auth/login", json={"username": seller.username, "password": PASSWORD}),
        401,
        "INVALID_CREDENTIALS",
    )
    login(client, seller.username, "new-secret-1")


def test_the_director_resets_someone_elses_password_without_theirs(client, factory):
    seller = factory.seller()
    director = auth_headers(client, factory.admin())
    reset = assert_ok(
        client.put(f"/api/users/{seller.id}", json={"password": "reset-pass-1"}, headers=director)
    )
    assert "tokens" not in reset or reset["tokens"] is None
    login(client, seller.username, "reset-pass-1")
    # current_password belongs to one's own change only.
    refused = assert_error(
        client.put(
            f"/api/users/{seller.id}",
            json={"password": "reset-pass-2", "current_password": "reset-pass-1"},
            headers=director,
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert [f["field"] for f in refused["error"]["details"]["fields"]] == ["current_password"]


def test_a_name_change_needs_no_current_password(client, factory):
    seller = factory.seller()
    headers = auth_headers(client, seller)
    changed = assert_ok(
        client.put(f"/api/users/{seller.id}", json={"full_name": "Dilshod"}, headers=headers)
    )
    assert changed["full_name"] == "Dilshod"
