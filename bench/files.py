"""The reports' and imports' figures (issue 18), measured against the running shop.

- CSV export of every sale line: rows per second, and how much the server's resident
  memory grows (read from /proc while the file streams).
- XLSX of the last ~100,000 sale lines: seconds.
- The sale scenario's p99 while CSV exports run back to back.
- Import of 10,000 product rows: the preview's seconds, then the commit's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx2
from sqlalchemy import create_engine, func, select

from bench.scenarios import Result
from carpet_shop.branches.models import Branch
from carpet_shop.catalog.models import Collection, Size
from carpet_shop.sales.models import Sale, SaleItem

XLSX_LINES = 100_000
IMPORT_ROWS = 10_000
TZ = ZoneInfo("Asia/Tashkent")


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class _PeakMemory:
    """The largest resident size of a process while the block runs, sampled every 20 ms."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss(self.pid))
            time.sleep(0.02)

    def __enter__(self) -> _PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _download(base: str, token: str, params: dict[str, str]) -> tuple[int, int, float]:
    """(bytes, lines, seconds) of one report, read as it streams."""
    started = time.perf_counter()
    size = lines = 0
    with httpx2.stream(
        "GET",
        base + "/api/reports/sales",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=None,
    ) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            size += len(chunk)
            lines += chunk.count(b"\n")
    return size, lines, time.perf_counter() - started


def _window_of_last_lines(url: str, lines: int) -> dict[str, str]:
    """A date_from..today window holding about the last `lines` sale lines."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            total = connection.scalar(select(func.count()).select_from(SaleItem)) or 0
            stmt = (
                select(Sale.date)
                .join(SaleItem, SaleItem.sale_id == Sale.id)
                .order_by(Sale.date.desc())
                .offset(min(lines, max(total - 1, 0)))
                .limit(1)
            )
            first = connection.scalar(stmt)
    finally:
        engine.dispose()
    if first is None:
        return {}
    day = first.replace(tzinfo=first.tzinfo or TZ).astimezone(TZ).date() + timedelta(days=1)
    return {"date_from": day.isoformat()}


def _import_file(url: str, rows: int) -> bytes:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            branch = connection.scalar(select(Branch.name).order_by(Branch.name).limit(1))
            collection = connection.scalar(select(Collection.name).order_by(Collection.name))
            size = connection.scalar(
                select(Size.size).where(Size.collection_id.is_(None)).order_by(Size.size)
            ) or connection.scalar(select(Size.size).order_by(Size.size))
    finally:
        engine.dispose()
    lines = ["name,category,collection,type,buy_price,sell_price,quantity,sizes,branch"]
    lines += [
        f"Import bench {n:05d},Gilamlar,{collection},unit,100000,150000,{n % 7 + 1},"
        f"{size or ''},{branch}"
        for n in range(rows)
    ]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def measure(
    base: str,
    admin_token: str,
    url: str,
    pid: int,
    drive_sales: Callable[[], Result],
    *,
    only: str | None = None,
) -> list[str]:
    """The figures as report lines; each says its target."""
    out: list[str] = []

    def wanted(name: str) -> bool:
        return not only or only in name

    if wanted("CSV export"):
        before = _rss(pid)
        with _PeakMemory(pid) as memory:
            size, lines, seconds = _download(base, admin_token, {"format": "csv"})
        rows = max(lines - 2, 0)  # the header and the totals row
        growth = max(memory.peak - before, 0) / 1e6
        out.append(
            f"CSV export, every sale line: {rows:,} rows, {size / 1e6:.0f} MB in {seconds:.1f} s "
            f"= {rows / seconds:,.0f} rows/s; server RSS +{growth:.0f} MB "
            "(target: >= 100,000 rows/s, <= +100 MB)"
        )
    if wanted("XLSX export"):
        params = {"format": "xlsx", **_window_of_last_lines(url, XLSX_LINES)}
        _, _, seconds = _download(base, admin_token, {**params, "format": "csv"})
        size, _, seconds = _download(base, admin_token, params)
        out.append(
            f"XLSX export, the last ~{XLSX_LINES:,} sale lines ({params.get('date_from')} on): "
            f"{size / 1e6:.1f} MB in {seconds:.1f} s (target: <= 10 s)"
        )
    if wanted("sale while exporting"):
        stop = threading.Event()
        exports = [0]

        def export_loop() -> None:
            while not stop.is_set():
                _download(base, admin_token, {"format": "csv"})
                exports[0] += 1

        exporter = threading.Thread(target=export_loop, daemon=True)
        exporter.start()
        try:
            result = drive_sales()
        finally:
            stop.set()
            exporter.join()
        out.append(
            f"Sale scenario while CSV exports run ({exports[0]} exports): {result.rps:.0f} "
            f"sales/s, p50 {result.p50:.1f} ms, p99 {result.p99:.1f} ms (target: p99 <= 250 ms)"
        )
    if wanted("import"):
        content = _import_file(url, IMPORT_ROWS)
        headers = {"Authorization": f"Bearer {admin_token}"}
        started = time.perf_counter()
        preview = httpx2.post(
            base + "/api/import/products",
            files={"file": ("bench.csv", content, "text/csv")},
            headers=headers,
            timeout=None,
        )
        previewed = time.perf_counter() - started
        preview.raise_for_status()
        data: dict[str, Any] = preview.json()["data"]
        started = time.perf_counter()
        commit = httpx2.post(
            base + f"/api/import/{data['id']}/commit", headers=headers, timeout=None
        )
        committed = time.perf_counter() - started
        commit.raise_for_status()
        out.append(
            f"Import of {IMPORT_ROWS:,} product rows: preview {previewed:.1f} s "
            f"({data['totals']}), commit {committed:.1f} s (targets: <= 5 s, <= 10 s)"
        )
    return out
