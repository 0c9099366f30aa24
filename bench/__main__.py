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

from bench import data, files, pg
from bench.scenarios import SCENARIOS, Context, Result, Scenario, failures

BIN = Path(sys.executable).parent
# Each server's process id, by port (bench.files reads the shop's memory from /proc).
PIDS: dict[int, int] = {}
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
        PIDS[port] = process.pid
        base = f"http://127.0.0.1:{port}"
        try:
            # Generous: on a busy machine the first answer alone has taken ten seconds.
            deadline = time.monotonic() + 180
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited; see {log}")
                try:
                    httpx2.get(base + "/", timeout=15)
                    break
                except httpx2.TransportError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"server did not start in 180 s; see {log}") from None
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

    def target(n: int) -> str:
        params = scenario.params(ctx)
        if scenario.scroll:
            params = {**params, "page": n % scroll + 1}
        query = urlencode(params)
        return scenario.path + (f"?{query}" if query else "")

    scroll = scenario.scroll
    return [
        {
            "method": scenario.method,
            "target": target(n),
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
    return _drive_parts(base, (scenario,), ctx, seconds, warmup)[scenario.name]


def _drive_parts(
    base: str, parts: tuple[Scenario, ...], ctx: Context, seconds: float, warmup: float
) -> dict[str, Result]:
    """Drive the parts at once, each with its own connections; results by part name."""
    port = int(base.rsplit(":", 1)[1])
    spec = {
        "host": "127.0.0.1",
        "port": port,
        "duration": seconds,
        "warmup": warmup,
        "connections": [
            {"group": part.name, "requests": _requests(part, ctx, c)}
            for part in parts
            for c in range(part.concurrency)
        ],
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
    return {
        name: Result(
            out["count"] / out["seconds"], out["p50"], out["p95"], out["p99"], out["statuses"]
        )
        for name, out in json.loads(done.stdout).items()
    }


@dataclass
class Row:
    scenario: Scenario
    result: Result | None
    note: str
    # The bare endpoint, measured right before this scenario: its share is of this rate.
    bare: Result | None = None
    # A mixed scenario: each part's result, printed on a line of its own.
    parts: dict[str, Result] | None = None


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


def _failed(result: Result) -> str:
    bad = failures(result)
    return f"(non-2xx: {bad})" if bad else ""


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
        if row.parts is not None:
            print(f"{s.name:<50} {s.concurrency:>4}  {row.note}")
            for part in s.parts:
                p = row.parts[part.name]
                print(
                    f"  {part.name:<48} {part.concurrency:>4} {p.rps:>8.0f} {p.p50:>8.1f} "
                    f"{p.p95:>8.1f} {p.p99:>8.1f} {'':>8} {'':>8}  {_failed(p)}"
                )
            continue
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
    parser.add_argument(
        "--db",
        type=Path,
        help="the SQLite file: reused when it exists (made by a prior run), else made there "
        "and kept",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    parser.add_argument("--only", help="run only scenarios whose name contains this")
    parser.add_argument(
        "--files",
        action="store_true",
        help="also the reports' and imports' figures (CSV/XLSX export, sales while exporting, "
        "import of 10,000 rows); --only narrows them too",
    )
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
        # A --db that does not exist yet is made, not read empty (every request would fail).
        if (args.db is None or not args.db.exists()) and not args.reuse:
            started = time.monotonic()
            data.generate(url, args.sales, args.products)
            print(f"Generated {args.sales:,} sales in {time.monotonic() - started:.0f} s")
        data.prepare_load(url)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "UPLOADS_DIR": str(workdir / "uploads"),
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ENVIRONMENT": "development",
            # The load comes from one address at thousands of requests a minute.
            "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0",
            "RATE_LIMIT_PER_USER_PER_MINUTE": "0",
        }
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
            env["REDIS_PREFIX"] = f"carpet_bench:{secrets.token_hex(4)}"
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
                skipped = _skipped(base, s, ctx)
                if skipped:
                    rows.append(Row(s, None, skipped))
                    continue
                if s.parts:
                    results = _drive_parts(base, s.parts, ctx, args.seconds, args.warmup)
                    note = ""
                    if s.mix_check:
                        passed, wanted = s.mix_check(results)
                        note = f"{wanted}: {'met' if passed else 'NOT MET'}"
                    rows.append(Row(s, None, note, parts=results))
                    sale = ", ".join(f"{n}: p99 {r.p99:.1f} ms" for n, r in results.items())
                    print(f"  {s.name}: {sale}", flush=True)
                    continue
                bare = _drive(bare_base, yardstick, empty, args.seconds, args.warmup)
                bare_runs.append(bare)
                result = _drive(base, s, ctx, args.seconds, args.warmup)
                note = ""
                if s.check:
                    passed, wanted = s.check(result, bare)
                    note = f"{wanted}: {'met' if passed else 'NOT MET'}"
                if failures(result):
                    note += f" {_failed(result)}"
                rows.append(Row(s, result, note, bare))
                print(
                    f"  {s.name}: {result.rps:.0f} req/s, p50 {result.p50:.1f} ms "
                    f"(bare just before: {bare.rps:.0f} req/s)",
                    flush=True,
                )
            if args.files:
                sale = next(s for s in SCENARIOS if s.token == "sellers")
                figures = files.measure(
                    base,
                    ctx.admin_token,
                    url,
                    PIDS[shop_port],
                    lambda: _drive(base, sale, ctx, args.seconds, args.warmup),
                    only=args.only,
                )
        _print(yardstick, rows, bare_runs, args.sales, served)
        if args.files:
            print("\nReports and imports:")
            for line in figures:
                print("  " + line)
    finally:
        if made_database and not args.keep:
            pg.drop(args.database_url, made_database)
        elif made_database:
            print(f"Database kept at {url} (again with --database-url {url} --reuse)")
        if args.keep or args.db:
            print(f"Database kept at {db_path}")
        shutil.rmtree(workdir, ignore_errors=True)


def _skipped(base: str, scenario: Scenario, ctx: Context) -> str:
    """Why the scenario (or a part of it) cannot run in this build, or ''."""
    for part in scenario.parts or (scenario,):
        status, text = _probe(base, _requests(part, ctx, 0)[0])
        if status in (404, 405):
            return f"{part.method} {part.path} answers {status} in this build"
        if status >= 400:
            return f"probe of {part.name!r} answered {status}: {text}"
    return ""


def _shop_today() -> date:
    tz = ZoneInfo(os.environ.get("TIMEZONE", "Asia/Tashkent"))
    return datetime.now(tz).date()


if __name__ == "__main__":
    main()
