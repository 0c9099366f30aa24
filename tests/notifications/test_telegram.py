"""Telegram against a fake Bot API on loopback: linking with a code, delivery, a 429 with
retry_after then success, a 500 then success across a restart, one sender at a time, never a
duplicate; customers sharing their contact and getting debt reminders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from carpet_shop.debts import jobs as debt_jobs
from carpet_shop.notifications.models import OutboxStatus, TelegramOutbox
from carpet_shop.notifications.telegram import service as telegram_service
from carpet_shop.notifications.telegram.jobs import TelegramWorker
from tests.factories import SHOP_TZ, assert_error, assert_ok, auth_headers
from tests.notifications.fake_telegram import FakeBotApi
from tests.notifications.helpers import sell

TOKEN = "123456:TEST-token-for-the-fake-bot"
T = TypeVar("T")


@pytest.fixture
def fake_bot() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as fake:
        yield fake


@pytest.fixture
def settings(settings, fake_bot):
    # The tests run the sender themselves, step by step, instead of the app's loop.
    return settings.model_copy(
        update={
            "telegram_bot_token": TOKEN,
            "telegram_api_url": fake_bot.url,
            "telegram_bot_username": "gilam_dokon_bot",
            "telegram_sender": False,
        }
    )


@pytest.fixture
def run() -> Iterator[Callable[[Coroutine[Any, Any, T]], T]]:
    loop = asyncio.new_event_loop()
    yield loop.run_until_complete
    loop.close()


@pytest.fixture
def sender(db, clock, settings, run):
    made: list[TelegramWorker] = []

    def make(holder: str = "one") -> TelegramWorker:
        worker = TelegramWorker(db, clock, settings, holder=holder)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        run(worker.api.close())


def _link(client, headers, fake_bot, worker, run, chat_id: int) -> None:
    code = assert_ok(client.post("/api/notifications/telegram/link", headers=headers), 201)
    fake_bot.push(chat_id, text=f"/start {code['code']}")
    assert run(worker.run_once()) is True


def _outbox(db) -> list[TelegramOutbox]:
    with db.transaction() as session:
        return list(session.scalars(select(TelegramOutbox).order_by(TelegramOutbox.created_at)))


def test_link_with_a_code_then_deliveries_once(client, shop, factory, fake_bot, sender, run):
    worker = sender()
    code = assert_ok(client.post("/api/notifications/telegram/link", headers=shop.as_admin), 201)
    assert code["start_link"] == f"https://t.me/gilam_dokon_bot?start={code['code']}"
    fake_bot.push(777, text=f"/start {code['code']}")
    assert run(worker.run_once()) is True
    [reply] = fake_bot.messages(777)
    assert reply["text"].startswith("Tayyor")
    settings = assert_ok(client.get("/api/notifications/settings", headers=shop.as_admin))
    assert settings["telegram_linked"] is True

    product = factory.product(shop.branch_a, stock=3, name="Buxoro")
    assert_ok(sell(client, shop.as_a, product, 1, 150_000), 201)
    run(worker.run_once())
    run(worker.run_once())
    delivered = fake_bot.messages(777)[1:]
    assert [m["text"] for m in delivered] == ["Kam qoldi\nBuxoro: 2 dona qoldi"]
    # Seller A has no chat: nothing for anyone else.
    assert {m["chat_id"] for m in fake_bot.messages()} == {777}

    # The code was used once; sent again, it links nothing.
    fake_bot.push(888, text=f"/start {code['code']}")
    run(worker.run_once())
    assert fake_bot.messages(888)[0]["text"].startswith("Kod eskirgan")

    assert_ok(client.delete("/api/notifications/telegram/link", headers=shop.as_admin))
    assert_ok(sell(client, shop.as_a, product, 2, 300_000), 201)  # OUT_OF_STOCK
    run(worker.run_once())
    assert len(fake_bot.messages(777)) == 2


def test_only_the_chosen_types_go_to_telegram(client, shop, factory, fake_bot, sender, run):
    worker = sender()
    _link(client, shop.as_admin, fake_bot, worker, run, 777)
    assert_ok(
        client.put(
            "/api/notifications/settings",
            headers=shop.as_admin,
            json={"telegram_types": ["OUT_OF_STOCK"], "language": "ru"},
        )
    )
    product = factory.product(shop.branch_a, stock=3, name="Ковёр")
    assert_ok(sell(client, shop.as_a, product, 1, 150_000), 201)  # LOW_STOCK: app only
    assert_ok(sell(client, shop.as_a, product, 2, 300_000), 201)  # OUT_OF_STOCK: both
    run(worker.run_once())
    texts = [m["text"] for m in fake_bot.messages(777)[1:]]
    assert texts == ["Товар закончился\nКовёр: нет в наличии"]


def test_429_is_retried_after_retry_after(client, shop, factory, fake_bot, sender, run, clock, db):
    worker = sender()
    _link(client, shop.as_admin, fake_bot, worker, run, 777)
    fake_bot.fail_next(
        429, description="Too Many Requests: retry after 5", parameters={"retry_after": 5}
    )
    product = factory.product(shop.branch_a, stock=3)
    assert_ok(sell(client, shop.as_a, product, 1, 150_000), 201)
    run(worker.run_once())
    assert len(fake_bot.messages(777)) == 2  # the reply, then the refused try
    clock.advance(timedelta(seconds=4))
    run(worker.run_once())
    assert len(fake_bot.messages(777)) == 2  # not before retry_after
    clock.advance(timedelta(seconds=1))
    run(worker.run_once())
    run(worker.run_once())
    tries = fake_bot.messages(777)[1:]
    assert len(tries) == 2 and tries[0] == tries[1]
    [message] = _outbox(db)
    assert message.status == OutboxStatus.SENT and message.attempts == 2


def test_500_then_success_across_a_restart_never_twice(
    client, shop, factory, fake_bot, sender, run, clock, db
):
    first = sender("first")
    _link(client, shop.as_admin, fake_bot, first, run, 777)
    fake_bot.fail_next(500, description="Internal Server Error")
    product = factory.product(shop.branch_a, stock=3)
    assert_ok(sell(client, shop.as_a, product, 1, 150_000), 201)
    run(first.run_once())
    [message] = _outbox(db)
    assert message.status == OutboxStatus.PENDING and "500" in (message.last_error or "")
    run(first.stop())  # the process stops; its lease is released

    second = sender("second")
    run(second.run_once())  # the backoff (1 s) has not passed
    assert len(fake_bot.messages(777)) == 2
    clock.advance(timedelta(seconds=1))
    run(second.run_once())
    run(second.run_once())
    tries = fake_bot.messages(777)[1:]
    assert len(tries) == 2
    [message] = _outbox(db)
    assert message.status == OutboxStatus.SENT and message.attempts == 2


def test_one_sender_at_a_time(client, shop, fake_bot, sender, run, clock):
    one, two = sender("one"), sender("two")
    assert run(one.run_once()) is True
    assert run(two.run_once()) is False  # the lease is one's
    assert run(one.run_once()) is True  # renewed
    clock.advance(timedelta(minutes=5))  # one died: its lease runs out
    assert run(two.run_once()) is True
    assert run(one.run_once()) is False


def test_a_message_interrupted_mid_call_is_given_up_not_resent(
    client, shop, factory, fake_bot, sender, run, clock, db
):
    worker = sender()
    _link(client, shop.as_admin, fake_bot, worker, run, 777)
    product = factory.product(shop.branch_a, stock=3)
    assert_ok(sell(client, shop.as_a, product, 1, 150_000), 201)
    [message] = _outbox(db)
    with db.transaction() as session:  # a sender claimed it and died before settling it
        assert telegram_service.claim(session, message.id, clock.now())
    clock.advance(timedelta(minutes=3))
    run(worker.run_once())
    assert len(fake_bot.messages(777)) == 1  # only the link's reply
    [message] = _outbox(db)
    assert message.status == OutboxStatus.FAILED


def test_link_without_a_bot_is_refused(client, shop, app):
    app.state.settings = app.state.settings.model_copy(update={"telegram_bot_token": None})
    assert_error(
        client.post("/api/notifications/telegram/link", headers=shop.as_admin), 409, "CONFLICT"
    )


def test_customers_share_their_contact_and_get_debt_reminders(
    client, shop, factory, fake_bot, sender, run, clock, db
):
    worker = sender()
    branch = factory.branch("Yunusobod", phone="+998712000000")
    dilnoza = factory.customer(name="Dilnoza", phone="+998901112233")
    other = factory.customer(name="Bobur", phone="+998909998877")
    debt = factory.debt(customer=dilnoza, branch=branch, total=1_650_000, deadline=3)
    factory.debt(customer=other, branch=branch, total=500_000, deadline=3)

    def job() -> None:
        with db.transaction() as session:
            debt_jobs.refresh_statuses(session, clock, tz=SHOP_TZ)
        run(worker.run_once())

    fake_bot.push(900, text="/start")
    run(worker.run_once())
    [ask] = fake_bot.messages(900)
    assert ask["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    # Someone else's contact links nothing.
    fake_bot.push(900, contact={"phone_number": "998909998877", "user_id": 555, "first_name": "B"})
    fake_bot.push(900, contact={"phone_number": "998901112233", "user_id": 900, "first_name": "D"})
    run(worker.run_once())
    not_own, thanks = fake_bot.messages(900)[1:]
    assert not_own["text"].startswith("Iltimos, o'z raqamingizni")
    assert thanks["text"].startswith("Rahmat, Dilnoza!")

    job()
    job()
    [reminder] = fake_bot.messages(900)[3:]
    deadline = debt.payment_deadline.strftime("%d.%m.%Y")
    assert reminder["text"] == (
        "Assalomu alaykum, Dilnoza! Yunusobod (+998712000000) do'konidan 1 650 000 so'm "
        f"nasiyangiz bor. To'lov muddati: {deadline}."
    )
    # Bobur never shared his contact: nothing went anywhere for him.
    assert {m["chat_id"] for m in fake_bot.messages()} == {900}

    clock.advance(timedelta(days=4))  # overdue now
    job()
    job()
    [overdue] = fake_bot.messages(900)[4:]
    assert f"To'lov muddati {deadline} edi, o'tib ketdi" in overdue["text"]

    # The director turns reminders off for her: a new debt reminds no one.
    as_admin = auth_headers(client, shop.admin)
    url = f"/api/notifications/customers/{dilnoza.id}/reminders"
    assert_error(
        client.put(url, headers=auth_headers(client, shop.seller_a), json={"reminders": False}),
        403,
        "FORBIDDEN",
    )
    assert_ok(client.put(url, headers=as_admin, json={"reminders": False}))
    factory.debt(customer=dilnoza, branch=branch, total=100_000, deadline=2)
    job()
    assert len(fake_bot.messages(900)) == 5
