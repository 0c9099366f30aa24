"""Passwords are hashed with one Argon2 lane, and no more of them at once than the process
allows, so a burst of sign-ins never takes every core from the sellers' sales."""

from __future__ import annotations

import os
import threading
import time

from carpet_shop.core.security import PasswordHasher, password_turns


def test_a_shop_hash_is_argon2id_with_one_lane_and_pwdlibs_costs():
    hasher = PasswordHasher()
    stored = hasher.hash("bir-ikki-uch")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=1$")
    assert hasher.verify("bir-ikki-uch", stored)
    assert not hasher.verify("bir-ikki-tort", stored)
    assert not hasher.verify("bir-ikki-uch", None)


def test_passwords_are_checked_no_more_than_the_turns_at_once():
    hasher = PasswordHasher(fast=True, turns=1)
    stored = hasher.hash("secret")
    entered: list[str] = []
    inside, release = threading.Event(), threading.Event()
    real = hasher._hash.verify

    def held(password: str, password_hash: str) -> bool:
        entered.append(password)
        inside.set()
        release.wait(5)
        return real(password, password_hash)

    hasher._hash.verify = held  # type: ignore[method-assign]
    results: dict[str, bool] = {}
    threads = [
        threading.Thread(target=lambda p=p: results.__setitem__(p, hasher.verify(p, stored)))
        for p in ("secret", "wrong")
    ]
    threads[0].start()
    assert inside.wait(5)
    threads[1].start()
    time.sleep(0.2)
    assert entered == ["secret"]  # the second waits for the first one's turn
    release.set()
    for thread in threads:
        thread.join(5)
    assert entered == ["secret", "wrong"]
    assert results == {"secret": True, "wrong": False}


def test_a_process_leaves_a_core_for_the_sales(monkeypatch):
    for cores, turns in ((1, 1), (2, 1), (8, 7), (None, 1)):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        assert password_turns() == turns
