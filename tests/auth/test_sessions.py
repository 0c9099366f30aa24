"""Sessions: logout, account switching, listing and ending one's own sessions."""

from __future__ import annotations

import uuid

from tests.factories import PASSWORD, assert_error, assert_ok, auth_headers, bearer, login


def _me(client, access):
    return client.get("/api/auth/me", headers=bearer(access))


def _logout(client, refresh):
    return client.post("/api/auth/logout", json={"refresh_token": refresh})


def test_logout_refuses_both_tokens_of_that_session(client, factory):
    seller = factory.seller()
    tokens = login(client, seller.username)
    assert_ok(_logout(client, tokens["refresh_token"]))
    assert_error(_me(client, tokens["access_token"]), 401, "UNAUTHORIZED")
    assert_error(
        client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
        401,
        "UNAUTHORIZED",
    )
    assert_error(_logout(client, tokens["refresh_token"]), 401, "UNAUTHORIZED")


def test_logout_keeps_other_sessions_and_accounts_signed_in(client, factory):
    seller = factory.seller()
    admin = factory.admin()
    phone = login(client, seller.username)
    tablet = login(client, seller.username)
    # Account switching: the director signs in on the same app; the seller stays signed in.
    director = login(client, admin.username)
    assert_ok(_me(client, phone["access_token"]))
    assert_ok(_logout(client, phone["refresh_token"]))
    assert_ok(_me(client, tablet["access_token"]))
    assert assert_ok(_me(client, director["access_token"]))["id"] == str(admin.id)


def test_sessions_lists_only_the_callers_live_sessions(client, factory):
    seller = factory.seller()
    other = factory.seller()
    first = login(client, seller.username)
    second = login(client, seller.username)
    ended = login(client, seller.username)
    login(client, other.username)
    assert_ok(_logout(client, ended["refresh_token"]))

    response = client.get("/api/auth/sessions", headers=bearer(second["access_token"]))
    data = assert_ok(response)
    assert response.json()["meta"] == {"page": 1, "page_size": 50, "total": 2}
    assert {s["id"] for s in data} == {first["session_id"], second["session_id"]}
    assert [s["id"] for s in data if s["current"]] == [second["session_id"]]
    assert all("refresh_token_hash" not in s for s in data)


def test_ending_one_of_my_sessions(client, factory):
    seller = factory.seller()
    phone = login(client, seller.username)
    lost = login(client, seller.username)
    response = client.delete(
        f"/api/auth/sessions/{lost['session_id']}", headers=bearer(phone["access_token"])
    )
    assert_ok(response)
    assert_error(_me(client, lost["access_token"]), 401, "UNAUTHORIZED")
    assert_ok(_me(client, phone["access_token"]))
    assert_error(
        client.delete(
            f"/api/auth/sessions/{lost['session_id']}", headers=bearer(phone["access_token"])
        ),
        404,
        "NOT_FOUND",
    )


def test_cannot_end_another_users_session(client, factory):
    seller = factory.seller()
    admin = factory.admin()
    victim = login(client, seller.username)
    for caller in (factory.seller(), admin):
        assert_error(
            client.delete(
                f"/api/auth/sessions/{victim['session_id']}", headers=auth_headers(client, caller)
            ),
            404,
            "NOT_FOUND",
        )
    assert_ok(_me(client, victim["access_token"]))
    assert_error(
        client.delete(f"/api/auth/sessions/{uuid.uuid4()}", headers=auth_headers(client, seller)),
        404,
        "NOT_FOUND",
    )


def test_password_change_by_the_user_ends_their_other_sessions_only(client, factory):
    seller = factory.seller()
    current = login(client, seller.username)
    other = login(client, seller.username)
    response = client.put(
        f"/api/users/{seller.id}",
        json={"password": "new-secret-1", "current_password": PASSWORD},
        headers=bearer(current["access_token"]),
    )
    fresh = assert_ok(response)["tokens"]
    assert_ok(_me(client, fresh["access_token"]))
    assert_error(_me(client, other["access_token"]), 401, "UNAUTHORIZED")
    assert_error(
        client.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]}),
        401,
        "UNAUTHORIZED",
    )
    assert_error(
        client.post("/api/auth/login", json={"username": seller.username, "password": PASSWORD}),
        401,
        "INVALID_CREDENTIALS",
    )
    login(client, seller.username, "new-secret-1")


def test_password_change_by_the_director_ends_every_session_of_the_user(client, factory):
    seller = factory.seller()
    tokens = login(client, seller.username)
    director = auth_headers(client, factory.admin())
    assert_ok(
        client.put(f"/api/users/{seller.id}", json={"password": "reset-pass-1"}, headers=director)
    )
    assert_error(_me(client, tokens["access_token"]), 401, "UNAUTHORIZED")
    # The director's own session is untouched.
    assert_ok(client.get("/api/auth/me", headers=director))


def test_passwords_keep_their_spaces(client, factory):
    seller = factory.seller(password=" spaced pass ")
    login(client, seller.username, " spaced pass ")
    assert_error(
        client.post(
            "/api/auth/login", json={"username": seller.username, "password": "spaced pass"}
        ),
        401,
        "INVALID_CREDENTIALS",
    )


def test_a_token_in_use_is_refused_at_once_when_its_session_ends(client, factory):
    seller = factory.seller()
    tokens = login(client, seller.username)
    # Read twice first: whatever a read keeps must not outlive the session.
    for _ in range(2):
        assert_ok(client.get("/api/products", headers=bearer(tokens["access_token"])))
    assert_ok(_logout(client, tokens["refresh_token"]))
    assert_error(
        client.get("/api/products", headers=bearer(tokens["access_token"])), 401, "UNAUTHORIZED"
    )


def test_a_token_in_use_dies_when_the_director_deactivates_its_user(client, factory):
    seller = factory.seller()
    access = login(client, seller.username)["access_token"]
    director = auth_headers(client, factory.admin())
    for _ in range(2):
        assert_ok(client.get("/api/products", headers=bearer(access)))
    assert_ok(client.put(f"/api/users/{seller.id}", json={"is_active": False}, headers=director))
    assert_error(client.get("/api/products", headers=bearer(access)), 401, "UNAUTHORIZED")
