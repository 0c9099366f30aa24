"""`carpet-shop demo-data --sales N`: a large, realistic sales history, generated fast.

The shop (the demo branches and sellers, three sellers per branch, the collections, and
`--products` products in each branch that has none, 40 by default) is made through the
services and the ORM. The sales are written straight through the database driver in chunks
(executemany on SQLite, COPY on PostgreSQL): a million ORM objects would take many minutes.

What is generated, so benchmarks can say what they measured:
- `sales` receipts spread over the `days` shop days up to today: busier at weekends,
  between 09:00 and 21:00 shop time, in the three branches 45% / 35% / 20%;
- 1 item (80%), 2 (15%) or 3 (5%) per receipt, any of the branch's products alike; pieces
  of carpets, or 1–6 m cut from a roll (3 products in 10 are rolls); mostly at the
  standard price, some above it, some with a discount down to the buy price;
- one payment (cash 55%, card 30%, transfer 15%), or cash and card split (8%);
- a customer phone on 30% of receipts; 1.5% of items returned in full (approved);
- frozen figures by the issue's formulas: extra = amount − standard × quantity,
  director = (standard − buy) × quantity + min(extra, 0), products rounded half up to the
  tiyin; the rollups filled from the same rows, each chunk (sales, rollups and receipt
  counters) in one transaction, so the rollups always match what was committed.

Ids are time-ordered (UUID version 7 layout), so every index grows at its right-hand edge
instead of being written all over: that is what keeps a million inserts fast on SQLite.
History is not replayed through the stock ledger; products get their current stock as an
initial movement.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.core.database import Database
from carpet_shop.demo_data.sales import generate_chunk, plan, write
from carpet_shop.demo_data.shop import PRODUCTS_PER_BRANCH, prepare_shop
from carpet_shop.demo_data.writers import PostgresWriter, SqliteWriter

__all__ = ["Summary", "generate"]


@dataclass(frozen=True)
class Summary:
    sales: int
    items: int
    payments: int
    first_day: date
    last_day: date


def generate(
    database: Database,
    clock: Clock,
    policy: AuthPolicy,
    tz: ZoneInfo,
    *,
    sales: int,
    days: int = 365,
    seed: int = 7,
    products_per_branch: int = PRODUCTS_PER_BRANCH,
    on_progress: Callable[[int], None] = lambda n: None,
) -> Summary:
    """Add `sales` receipts over the `days` shop days ending today (see the module's notes)."""
    if sales < 0 or days < 1:
        raise ValueError("sales must be >= 0 and days >= 1")
    shop = prepare_shop(database, clock, policy, seed, products_per_branch)
    rnd = random.Random(seed * 7919 + sales)  # noqa: S311 (demo data, reproducible)
    today = shop_today(clock, tz)
    calendar = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    postgres = database.dialect == "postgresql"
    chunks = plan(
        shop, calendar, sales, rnd, {"seed": seed, "timezone": tz.key, "postgres": postgres}
    )
    items = payments = 0
    raw = database.engine.raw_connection()
    try:
        driver = raw.driver_connection
        writer: SqliteWriter | PostgresWriter = (
            PostgresWriter(driver) if postgres else SqliteWriter(driver)
        )
        try:
            # One process: generating in a second one made the writes slower than it saved.
            for rows in map(generate_chunk, chunks):
                write(writer, shop, rows)
                items += len(rows.items)
                payments += len(rows.payments)
                on_progress(len(rows.sales))
        finally:
            writer.close()
    finally:
        raw.close()
    return Summary(sales, items, payments, calendar[0], calendar[-1])
