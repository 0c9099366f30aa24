"""Several processes on one PostgreSQL and one Redis, as a chain of shops runs it: two real
servers (two hosts, or two workers) share the read caches' commit marks, the rate limits
and the scheduled jobs.

Redis: CARPET_SHOP_TEST_REDIS_URL (default redis://127.0.0.1:6379/0); every key of a test
starts with a prefix of its own, and only those keys are removed afterwards.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx2 as httpx
import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from carpet_shop.core.redis import SharedRedis
from tests.factories import PASSWORD, Factory
from tests.live import live_server

REDIS_ENV = "CARPET_SHOP_TEST_REDIS_URL"
SCRAPE = "scrape-token-for-the-two-worker-test-0123"


@pytest.fixture
def redis_url() -> Iterator[tuple[str, str]]:
    url = os.environ.get(REDIS_ENV, "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Redis at {url} (set {REDIS_ENV})")
    prefix = f"carpet_shop_test:{uuid.uuid4().hex}"
    yield url, prefix
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def two_servers(database_url, db, redis_url, tmp_path) -> Iterator[tuple[str, str, Path]]:
    if db.dialect != "postgresql":
        pytest.skip("several processes share PostgreSQL and Redis (SQLite: one file, one host)")
    url, prefix = redis_url
    env = {
        "REDIS_URL": url,
        "REDIS_PREFIX": prefix,
        "DEBT_STATUS_INTERVAL_SECONDS": "1",
        "RATE_LIMIT_PER_USER_PER_MINUTE": "12",
        "METRICS_TOKEN": SCRAPE,
        "LOG_FORMAT": "json",
    }
    with ExitStack() as stack:
        first = stack.enter_context(
            live_server(
                database_url,
                tmp_path,
                env={**env, "LOG_FILE": str(tmp_path / "a.jsonl")},
                log_name="a.log",
            )
        )
        second = stack.enter_context(
            live_server(
                database_url,
                tmp_path,
                env={**env, "LOG_FILE": str(tmp_path / "b.jsonl")},
                log_name="b.log",
            )
        )
        yield first, second, tmp_path


def _login(base: str, username: str, password: str) -> dict:
    response = httpx.post(
        f"{base}/api/auth/login", json={"username": username, "password": password}, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _cache_hits(base: str, cache: str) -> float:
    text = httpx.get(f"{base}/metrics", headers=_bearer(SCRAPE), timeout=30).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "carpet_shop_read_cache_reads_total"
        and sample.labels == {"cache": cache, "result": "hit"}
    )


def _listed_price(base: str, headers: dict[str, str], product_id: str) -> float:
    response = httpx.get(f"{base}/api/products", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    (found,) = [p for p in response.json()["data"] if p["id"] == product_id]
    return float(found["sell_price"])


@pytest.mark.slow
def test_two_workers_share_caches_jobs_and_limits(two_servers, factory: Factory):
    a, b, logs = two_servers
    admin = factory.admin()
    branch = factory.branch()
    factory.seller(branch, username="seller_two_workers")
    product = factory.product(branch, sell_price=150_000)
    pid = str(product.id)
    director = _bearer(_login(a, admin.username, PASSWORD)["access_token"])

    # The product list is cached on B (a hit on the second read)...
    assert _listed_price(b, director, pid) == 150_000
    hits = _cache_hits(b, "catalog.listed_pages")
    assert _listed_price(b, director, pid) == 150_000
    assert _cache_hits(b, "catalog.listed_pages") == hits + 1
    # ... and a price changed on A is what B answers next.
    changed = httpx.put(
        f"{a}/api/products/{pid}", json={"sell_price": 175_000}, headers=director, timeout=30
    )
    assert changed.status_code == 200, changed.text
    assert _listed_price(b, director, pid) == 175_000

    # A seller signed in on A, known (and cached) on B, signs out on A: B refuses the token.
    session = _login(a, "seller_two_workers", PASSWORD)
    seller = _bearer(session["access_token"])
    for _ in range(2):
        assert httpx.get(f"{b}/api/auth/me", headers=seller, timeout=30).status_code == 200
    out = httpx.post(
        f"{a}/api/auth/logout",
        json={"refresh_token": session["refresh_token"]},
        headers=seller,
        timeout=30,
    )
    assert out.status_code == 200, out.text
    assert httpx.get(f"{b}/api/auth/me", headers=seller, timeout=30).status_code == 401

    # The rate limit (12 a minute per user) counts across both servers.
    if 60 - time.time() % 60 < 15:
        time.sleep(60 - time.time() % 60 + 0.5)  # not across a window's end
    other = _bearer(_login(b, admin.username, PASSWORD)["access_token"])
    answers = [
        httpx.get(f"{(a, b)[n % 2]}/api/auth/me", headers=other, timeout=30).status_code
        for n in range(14)
    ]
    # At most 12 answered in the window (the director's earlier requests may count too), and
    # once refused, refused on both servers.
    assert set(answers) == {200, 429}, answers
    first_refusal = answers.index(429)
    assert first_refusal <= 12
    assert set(answers[first_refusal:]) == {429}, answers

    # The debt status job (every second) ran once per period, on one server or the other.
    time.sleep(3)
    claimed: dict[int, list[str]] = {}
    for name in ("a.jsonl", "b.jsonl"):
        for line in (logs / name).read_text().splitlines():
            entry = json.loads(line)
            if entry["logger"] == "carpet_shop.scheduler" and "debt-status" in entry["message"]:
                period = int(entry["message"].split("period ")[1].split()[0])
                claimed.setdefault(period, []).append(name)
    assert len(claimed) >= 3, claimed
    assert all(len(servers) == 1 for servers in claimed.values()), claimed
    assert {s for servers in claimed.values() for s in servers} <= {"a.jsonl", "b.jsonl"}


def test_without_redis_several_workers_serve_uncached_and_say_so(database_url, db, tmp_path):
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL without Redis")
    with live_server(
        database_url,
        tmp_path,
        workers=2,
        env={"LOG_FILE": str(tmp_path / "shop.log"), "WEB_CONCURRENCY": "2"},
    ) as base:
        assert httpx.get(f"{base}/health", timeout=30).status_code == 200
    said = (tmp_path / "shop.log").read_text()
    assert "no read caches: set REDIS_URL to share them between the workers" in said


def test_a_redis_that_does_not_answer_is_said_plainly(settings):
    shared = SharedRedis.connect("redis://127.0.0.1:1/0", "carpet_shop_test")
    with pytest.raises(Exception, match="Cannot reach Redis at REDIS_URL"):
        shared.check()
