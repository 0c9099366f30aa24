"""Password reset (specification 5C): a code by Telegram, or from the director by hand."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from carpet_shop.notifications.models import (
    Language,
    NotificationSettings,
    TelegramLink,
    TelegramOutbox,
)
from tests.factories import PASSWORD, assert_error, assert_ok, auth_headers, bearer, login

NEW_PASSWORD = "brand-new-secret"


def _link_telegram(db, clock, user, chat_id: int, language: Language | None = None) -> None:
    with db.transaction() as session:
        session.add(TelegramLink(user_id=user.id, chat_id=chat_id, linked_at=clock.now()))
        if language is not None:
            session.add(
                NotificationSettings(
                    user_id=user.id,
                    language=language,
                    in_app_types=[],
                    telegram_types=[],
                    updated_at=clock.now(),
                )
            )


def _telegram_texts(db, chat_id: int) -> list[str]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(TelegramOutbox.text)
                .where(TelegramOutbox.chat_id == chat_id)
                .order_by(TelegramOutbox.created_at)
            )
        )


def _code_from(text: str) -> str:
    match = re.search(r": (\S+)\n", text)
    assert match, text
    return match.group(1)


def _forgot(client, username: str):
    return assert_ok(client.post("/api/auth/forgot-password", json={"username": username}), 202)


def _reset(client, token: str, password: str = NEW_PASSWORD):
    return client.post("/api/auth/reset-password", json={"token": token, "new_password": password})


def test_code_by_telegram_resets_the_password_and_ends_every_session(client, factory, db, clock):
    seller = factory.seller()
    _link_telegram(db, clock, seller, chat_id=5001, language=Language.RU)
    phone = login(client, seller.username)
    laptop = login(client, seller.username)

    response = client.post("/api/auth/forgot-password", json={"username": seller.username})
    assert_ok(response, 202)
    (text,) = _telegram_texts(db, 5001)
    assert "Код для сброса пароля" in text  # in the seller's language
    code = _code_from(text)

    assert_ok(_reset(client, code))

    # Every session of the seller has ended: its access and refresh tokens are refused.
    for pair in (phone, laptop):
        me = client.get("/api/auth/me", headers=bearer(pair["access_token"]))
        assert_error(me, 401, "UNAUTHORIZED")
        again = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert_error(again, 401, "UNAUTHORIZED")
    # The old password no longer signs in; the new one does.
    old = client.post("/api/auth/login", json={"username": seller.username, "password": PASSWORD})
    assert_error(old, 401, "INVALID_CREDENTIALS")
    login(client, seller.username, NEW_PASSWORD)


def test_a_code_works_once(client, factory, db, clock):
    seller = factory.seller()
    _link_telegram(db, clock, seller, chat_id=5002)
    _forgot(client, seller.username)
    code = _code_from(_telegram_texts(db, 5002)[0])
    assert_ok(_reset(client, code))
    assert_error(_reset(client, code, "another-secret"), 400, "BAD_REQUEST")
    login(client, seller.username, NEW_PASSWORD)


def test_a_code_expires_after_15_minutes(client, factory, db, clock):
    seller = factory.seller()
    _link_telegram(db, clock, seller, chat_id=5003)
    _forgot(client, seller.username)
    code = _code_from(_telegram_texts(db, 5003)[0])
    clock.advance(timedelta(minutes=15))
    assert_error(_reset(client, code), 400, "BAD_REQUEST")
    login(client, seller.username)  # the password is unchanged


def test_a_code_within_15_minutes_works(client, factory, db, clock):
    seller = factory.seller()
    _link_telegram(db, clock, seller, chat_id=5004)
    _forgot(client, seller.username)
    code = _code_from(_telegram_texts(db, 5004)[0])
    clock.advance(timedelta(minutes=14, seconds=59))
    assert_ok(_reset(client, code))


def test_a_newer_code_replaces_the_older_one(client, factory, db, clock):
    seller = factory.seller()
    _link_telegram(db, clock, seller, chat_id=5005)
    _forgot(client, seller.username)
    clock.advance(timedelta(seconds=1))
    _forgot(client, seller.username)
    first, second = (_code_from(text) for text in _telegram_texts(db, 5005))
    assert_error(_reset(client, first), 400, "BAD_REQUEST")
    assert_ok(_reset(client, second))


def test_unknown_user_gets_the_same_answer(client, factory, db, clock):
    seller = factory.seller()
    _link_telegram(db, clock, seller, chat_id=5006)
    known = client.post("/api/auth/forgot-password", json={"username": seller.username})
    unknown = client.post("/api/auth/forgot-password", json={"username": "nobody-here"})
    assert known.status_code == unknown.status_code == 202
    strip = {"timestamp"}
    assert {k: v for k, v in known.json().items() if k not in strip} == {
        k: v for k, v in unknown.json().items() if k not in strip
    }


def test_an_unknown_code_is_refused(client):
    assert_error(_reset(client, "not-a-real-code"), 400, "BAD_REQUEST")


def test_a_weak_password_is_refused_and_the_code_still_works(client, factory, db, clock):
    seller = factory.seller()
    _link_telegram(db, clock, seller, chat_id=5007)
    _forgot(client, seller.username)
    code = _code_from(_telegram_texts(db, 5007)[0])
    assert_error(_reset(client, code, "12345"), 422, "VALIDATION_ERROR")
    assert_ok(_reset(client, code))


def test_without_telegram_the_director_issues_a_code(client, factory, db):
    admin = factory.admin()
    seller = factory.seller()
    seller_session = login(client, seller.username)
    _forgot(client, seller.username)  # nothing to send it to: the director hands one over

    as_admin = auth_headers(client, admin)
    issued = assert_ok(client.post(f"/api/users/{seller.id}/reset-code", headers=as_admin), 201)
    assert issued["expires_at"]
    assert_ok(_reset(client, issued["code"]))
    me = client.get("/api/auth/me", headers=bearer(seller_session["access_token"]))
    assert_error(me, 401, "UNAUTHORIZED")
    login(client, seller.username, NEW_PASSWORD)


def test_only_the_director_issues_codes(client, factory):
    seller = factory.seller()
    other = factory.seller()
    response = client.post(
        f"/api/users/{other.id}/reset-code", headers=auth_headers(client, seller)
    )
    assert_error(response, 403, "FORBIDDEN")


def test_answers_in_the_callers_language(client):
    response = client.post(
        "/api/auth/forgot-password",
        json={"username": "nobody"},
        headers={"Accept-Language": "ru"},
    )
    assert_ok(response, 202)
    assert response.json()["message"].startswith("Если такая учётная запись есть")
