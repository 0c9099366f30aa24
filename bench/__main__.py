"""`python -m bench`: the whole benchmark in one command (see README.md, "Benchmark").

1. A fresh SQLite file (or, with --database-url, a fresh PostgreSQL database on that server),
   migrated and filled by `carpet-shop demo-data` (1,000,000 sales in three branches by
   default), plus stock and sixteen sellers for the sale scenario.
2. The bare FastAPI endpoint (one worker) and the shop (`carpet-shop serve`, --workers of
   them, with Redis given --redis-url), each on a free loopback port; the load comes from a
   separate process (bench/load.py).
3. Per scenario: requests per second, p50/p95/p99 latency, and the rate as a share of the
   bare endpoint's, measured right before it; a scenario whose route is missing in this
   build (404/405) is skipped and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx2

from bench import data, pg
from bench.scenarios import SCENARIOS, Context, Result, Scenario

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(command: list[str], env: dict[str, str], log: Path, port: int) -> Iterator[str]:
    """A server on 127.0.0.1:port until the block ends; always stopped."""
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited; see {log}")
                try:
                    httpx2.get(base + "/", timeout=1)
                    break
                except httpx2.TransportError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"server did not start in 60 s; see {log}") from None
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _login(base: str, username: str, password: str) -> str:
    response = httpx2.post(
        base + "/api/auth/login", json={"username": username, "password": password}, timeout=30
    )
    response.raise_for_status()
    return str(response.json()["data"]["access_token"])


def _requests(scenario: Scenario, ctx: Context, connection: int) -> list[dict[str, Any]]:
    headers: dict[str, str] = {}
    if scenario.token == "admin":
        headers["Authorization"] = f"Bearer {ctx.admin_token}"
    elif scenario.token == "seller":
        headers["Authorization"] = f"Bearer {ctx.seller_token}"
    elif scenario.token == "sellers":
        token, _ = ctx.sellers[connection % len(ctx.sellers)]
        headers["Authorization"] = f"Bearer {token}"
    query = urlencode(scenario.params(ctx))
    target = scenario.path + (f"?{query}" if query else "")
    return [
        {
            "method": scenario.method,
            "target": target,
            "headers": headers,
            "body": json.dumps(scenario.body(ctx, connection, n)) if scenario.body else None,
        }
        for n in range(scenario.variants)
    ]


def _probe(base: str, request: dict[str, Any]) -> tuple[int, str]:
    response = httpx2.request(
        request["method"],
        base + request["target"],
        headers={**request["headers"], "Content-Type": "application/json"},
        content=request["body"],
        timeout=60,
    )
    return response.status_code, response.text[:300]


def _drive(base: str, scenario: Scenario, ctx: Context, seconds: float, warmup: float) -> Result:
    port = int(base.rsplit(":", 1)[1])
    spec = {
        "host": "127.0.0.1",
        "port": port,
        "duration": seconds,
        "warmup": warmup,
        "connections": [_requests(scenario, ctx, c) for c in range(scenario.concurrency)],
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=seconds + warmup + 120,
        check=True,
    )
    out = json.loads(done.stdout)
    return Result(
        out["count"] / out["seconds"], out["p50"], out["p95"], out["p99"], out["statuses"]
    )


@dataclass
class Row:
    scenario: Scenario
    result: Result | None
    note: str
    # The bare endpoint, measured right before this scenario: its share is of this rate.
    bare: Result | None = None


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {load[0]:.2f}"
    )


def _print(
    yardstick: Scenario, rows: list[Row], bare_runs: list[Result], sales: int, served: str
) -> None:
    print()
    print(f"Carpet Shop benchmark: {sales:,} generated sales; {served}")
    print(_machine())
    columns = ("conc", "req/s", "p50 ms", "p95 ms", "p99 ms", "bare", "of bare")
    header = f"{'scenario':<50} {columns[0]:>4} " + " ".join(f"{c:>8}" for c in columns[1:])
    header += "  target"
    print(header)
    print("-" * len(header))
    if bare_runs:
        rates = sorted(r.rps for r in bare_runs)
        median = statistics.median(rates)
        p99 = statistics.median(r.p99 for r in bare_runs)
        note = f"median of {len(rates)} runs, {rates[0]:.0f} to {rates[-1]:.0f} req/s"
        print(
            f"{yardstick.name:<50} {yardstick.concurrency:>4} {median:>8.0f} "
            f"{statistics.median(r.p50 for r in bare_runs):>8.1f} "
            f"{statistics.median(r.p95 for r in bare_runs):>8.1f} {p99:>8.1f} "
            f"{'':>8} {'100.0%':>8}  the yardstick: {note}"
        )
    for row in rows:
        s, r = row.scenario, row.result
        if r is None:
            print(f"{s.name:<50} {s.concurrency:>4}  skipped: {row.note}")
            continue
        bare = row.bare
        share = f"{r.rps / bare.rps:.1%}" if bare and bare.rps else "-"
        bare_rate = f"{bare.rps:.0f}" if bare else "-"
        print(
            f"{s.name:<50} {s.concurrency:>4} {r.rps:>8.0f} {r.p50:>8.1f} {r.p95:>8.1f} "
            f"{r.p99:>8.1f} {bare_rate:>8} {share:>8}  {row.note}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sales", type=int, default=1_000_000, help="sales to generate")
    parser.add_argument("--products", type=int, default=200, help="products per branch")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured time per scenario")
    parser.add_argument("--warmup", type=float, default=1.5, help="warm-up per scenario")
    parser.add_argument("--db", type=Path, help="reuse this database file (made by a prior run)")
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    parser.add_argument("--only", help="run only scenarios whose name contains this")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (postgresql+psycopg://user@host:5432/postgres): a fresh "
        "database is made on it, and dropped afterwards unless --keep",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --database-url: use that database as it is"
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes of the shop")
    parser.add_argument("--redis-url", help="serve the shop with this Redis (REDIS_URL)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="carpet-bench-"))
    db_path = args.db or workdir / "bench.db"
    url = f"sqlite:///{db_path}"
    made_database = None
    if args.database_url:
        url, made_database = pg.database_for(args.database_url, reuse=args.reuse)
    served = f"{args.workers} worker(s), {'PostgreSQL' if args.database_url else 'SQLite'}" + (
        " + Redis" if args.redis_url else ""
    )
    try:
        if args.db is None and not args.reuse:
            started = time.monotonic()
            data.generate(url, args.sales, args.products)
            print(f"Generated {args.sales:,} sales in {time.monotonic() - started:.0f} s")
        data.prepare_load(url)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ENVIRONMENT": "development",
            # The load comes from one address at thousands of requests a minute.
            "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0",
            "RATE_LIMIT_PER_USER_PER_MINUTE": "0",
        }
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
            env["REDIS_KEY_PREFIX"] = f"carpet_bench:{secrets.token_hex(4)}:"
        chosen = [
            s for s in SCENARIOS if s.server == "shop" and (not args.only or args.only in s.name)
        ]
        yardstick = next(s for s in SCENARIOS if s.server == "bare")
        rows: list[Row] = []
        bare_runs: list[Result] = []
        bare_port, shop_port = _free_port(), _free_port()
        bare_cmd = [
            str(BIN / "uvicorn"), "bench.bare:app", "--host", "127.0.0.1", "--port",
            str(bare_port), "--workers", "1", "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
        shop_cmd = [
            str(BIN / "carpet-shop"), "serve", "--host", "127.0.0.1", "--port", str(shop_port),
            "--workers", str(args.workers),
        ]  # fmt: skip
        # Both servers stay up (the idle one costs nothing), so each scenario is measured right
        # after its own run of the bare endpoint: a shared machine's speed drifts over minutes,
        # and a ratio of two rates taken far apart would measure the drift.
        with (
            _server(bare_cmd, env, workdir / "bare.log", bare_port) as bare_base,
            _server(shop_cmd, env, workdir / "shop.log", shop_port) as base,
        ):
            products = data.seller_products(url)
            ctx = Context(
                admin_token=_login(base, "admin", "admin123"),
                seller_token=_login(base, "seller1", "seller123"),
                sellers=[
                    (_login(base, name, data.BENCH_PASSWORD), p) for name, p in products.items()
                ],
                today=_shop_today(),
            )
            empty = Context("", "", [], ctx.today)
            for s in chosen:
                status, text = _probe(base, _requests(s, ctx, 0)[0])
                if status in (404, 405):
                    rows.append(Row(s, None, f"{s.method} {s.path} answers {status} in this build"))
                    continue
                if status >= 400:
                    rows.append(Row(s, None, f"probe answered {status}: {text}"))
                    continue
                bare = _drive(bare_base, yardstick, empty, args.seconds, args.warmup)
                bare_runs.append(bare)
                result = _drive(base, s, ctx, args.seconds, args.warmup)
                note = ""
                if s.check:
                    passed, wanted = s.check(result, bare)
                    note = f"{wanted}: {'met' if passed else 'NOT MET'}"
                bad = {k: v for k, v in result.statuses.items() if not k.startswith("2")}
                if bad:
                    note += f" (non-2xx: {bad})"
                rows.append(Row(s, result, note, bare))
                print(
                    f"  {s.name}: {result.rps:.0f} req/s, p50 {result.p50:.1f} ms "
                    f"(bare just before: {bare.rps:.0f} req/s)",
                    flush=True,
                )
        _print(yardstick, rows, bare_runs, args.sales, served)
    finally:
        if made_database and not args.keep:
            pg.drop(args.database_url, made_database)
        elif made_database:
            print(f"Database kept at {url} (again with --database-url {url} --reuse)")
        if args.keep or args.db:
            print(f"Database kept at {db_path}")
        shutil.rmtree(workdir, ignore_errors=True)


def _shop_today() -> date:
    tz = ZoneInfo(os.environ.get("TIMEZONE", "Asia/Tashkent"))
    return datetime.now(tz).date()


if __name__ == "__main__":
    main()
