"""Access and refresh tokens: rotation, reuse, expiry and forged tokens."""

from __future__ import annotations

import base64
import json
import threading
from datetime import timedelta

import jwt

from tests.conftest import TEST_SECRET
from tests.factories import assert_error, assert_ok, bearer, login


def _refresh(client, token):
    return client.post("/api/auth/refresh", json={"refresh_token": token})


def _me(client, access):
    return client.get("/api/auth/me", headers=bearer(access))


def test_protected_route_without_token_or_with_garbage(client, factory):
    factory.seller()
    assert_error(client.get("/api/auth/me"), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/branches"), 401, "UNAUTHORIZED")
    assert_error(_me(client, "not-a-jwt"), 401, "UNAUTHORIZED")
    assert_error(
        client.get("/api/auth/me", headers={"Authorization": "Basic abc"}), 401, "UNAUTHORIZED"
    )


def test_refresh_rotates_and_the_old_refresh_token_is_refused(client, factory):
    seller = factory.seller()
    first = login(client, seller.username)
    renewed = assert_ok(_refresh(client, first["refresh_token"]))
    assert renewed["refresh_token"] != first["refresh_token"]
    assert renewed["access_token"] != first["access_token"]
    assert renewed["token_type"] == "bearer"
    assert renewed["user"]["id"] == str(seller.id)
    assert renewed["session_id"] == first["session_id"]
    assert_ok(_me(client, renewed["access_token"]))
    assert_error(_refresh(client, first["refresh_token"]), 401, "UNAUTHORIZED")


def test_reusing_a_rotated_refresh_token_ends_the_whole_session(client, factory):
    seller = factory.seller()
    first = login(client, seller.username)
    second = assert_ok(_refresh(client, first["refresh_token"]))
    third = assert_ok(_refresh(client, second["refresh_token"]))
    assert_ok(_me(client, third["access_token"]))

    # Someone replays the first refresh token: the session is ended for everyone.
    assert_error(_refresh(client, first["refresh_token"]), 401, "UNAUTHORIZED")
    assert_error(_me(client, third["access_token"]), 401, "UNAUTHORIZED")
    assert_error(_refresh(client, third["refresh_token"]), 401, "UNAUTHORIZED")


def test_reuse_ends_only_that_session(client, factory):
    seller = factory.seller()
    phone = login(client, seller.username)
    tablet = login(client, seller.username)
    assert_ok(_refresh(client, phone["refresh_token"]))
    assert_error(_refresh(client, phone["refresh_token"]), 401, "UNAUTHORIZED")
    assert_ok(_me(client, tablet["access_token"]))
    assert_ok(_refresh(client, tablet["refresh_token"]))


def test_two_concurrent_refreshes_with_one_token_exactly_one_succeeds(client, factory):
    seller = factory.seller()
    tokens = login(client, seller.username)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def go() -> None:
        barrier.wait(timeout=10)
        statuses.append(_refresh(client, tokens["refresh_token"]).status_code)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 401]


def test_access_token_expires(client, factory, clock):
    seller = factory.seller()
    tokens = login(client, seller.username)
    assert tokens["expires_in"] == 24 * 3600
    clock.advance(timedelta(hours=23, minutes=59))
    assert_ok(_me(client, tokens["access_token"]))
    clock.advance(timedelta(minutes=1))
    assert_error(_me(client, tokens["access_token"]), 401, "TOKEN_EXPIRED")
    # The refresh token still works and gives a fresh access token.
    renewed = assert_ok(_refresh(client, tokens["refresh_token"]))
    assert_ok(_me(client, renewed["access_token"]))


def test_refresh_token_expires_after_seven_days(client, factory, clock):
    seller = factory.seller()
    tokens = login(client, seller.username)
    assert tokens["refresh_expires_in"] == 7 * 24 * 3600
    clock.advance(timedelta(days=7))
    assert_error(_refresh(client, tokens["refresh_token"]), 401, "TOKEN_EXPIRED")


def test_refreshing_renews_the_session_lifetime(client, factory, clock):
    seller = factory.seller()
    tokens = login(client, seller.username)
    clock.advance(timedelta(days=6))
    tokens = assert_ok(_refresh(client, tokens["refresh_token"]))
    clock.advance(timedelta(days=6))
    assert_ok(_refresh(client, tokens["refresh_token"]))


def _segments(token: str) -> list[str]:
    return token.split(".")


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, object]:
    payload = _segments(token)[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * 4))
    return decoded


def test_tampered_token_is_refused(client, factory):
    seller = factory.seller()
    other = factory.seller()
    access = login(client, seller.username)["access_token"]
    header, _, signature = _segments(access)
    claims = _claims(access)
    claims["sub"] = str(other.id)
    assert_error(_me(client, f"{header}.{_b64(claims)}.{signature}"), 401, "UNAUTHORIZED")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert_error(_me(client, f"{header}.{_segments(access)[1]}.{flipped}"), 401, "UNAUTHORIZED")


def test_alg_none_token_is_refused(client, factory):
    seller = factory.seller()
    claims = _claims(login(client, seller.username)["access_token"])
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    assert_error(_me(client, unsigned), 401, "UNAUTHORIZED")


def test_token_signed_with_another_key_is_refused(client, factory):
    seller = factory.seller()
    claims = _claims(login(client, seller.username)["access_token"])
    forged = jwt.encode(claims, "another-secret-key-that-is-long-enough-0123456789", "HS256")
    assert_error(_me(client, forged), 401, "UNAUTHORIZED")
    # The same claims under the real key pass: the refusal is about the key alone.
    assert_ok(_me(client, jwt.encode(claims, TEST_SECRET, "HS256")))


def test_refresh_token_is_not_an_access_token_and_back(client, factory):
    seller = factory.seller()
    tokens = login(client, seller.username)
    assert_error(_me(client, tokens["refresh_token"]), 401, "UNAUTHORIZED")
    assert_error(_refresh(client, tokens["access_token"]), 401, "UNAUTHORIZED")
    assert_error(
        client.post("/api/auth/logout", json={"refresh_token": tokens["access_token"]}),
        401,
        "UNAUTHORIZED",
    )
