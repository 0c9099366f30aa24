"""The rollups kept sale by sale equal the rollups rebuilt from the receipts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from carpet_shop import cli
from carpet_shop.analytics.models import (
    PaymentsDaily,
    ProductsDaily,
    ProductsMonthly,
    SalesDaily,
    SizesDaily,
)
from carpet_shop.analytics.service import rebuild
from tests.analytics.shop import build_shop, local, money
from tests.factories import auth_headers

TABLES = (SalesDaily, PaymentsDaily, ProductsDaily, ProductsMonthly, SizesDaily)


def rollup_rows(db) -> dict[str, set[tuple[Any, ...]]]:
    with db.transaction(write=False) as session:
        return {
            model.__tablename__: {
                tuple(getattr(row, c.key) for c in model.__table__.columns)
                for row in session.scalars(select(model))
            }
            for model in TABLES
        }


def test_rebuilding_gives_the_rollups_kept_sale_by_sale(factory, db, settings, monkeypatch):
    build_shop(factory, sales=30)
    kept = rollup_rows(db)
    assert all(kept.values())
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    result = CliRunner().invoke(cli.app, ["analytics-rebuild"])
    assert result.exit_code == 0, result.output
    assert "from 30 sales" in result.output
    assert rollup_rows(db) == kept


def test_concurrent_sales_add_up_without_losing_figures(client, factory, db):
    """Receipts recorded at once by many connections, the same products in either order:
    every figure arrives (the upserts add atomically) and none deadlocks."""
    branch = factory.branch()
    # Different sellers: their own daily rows, but the same products' rows.
    sellers = [factory.seller(branch=branch) for _ in range(8)]
    rug = factory.product(branch, sell_price=Decimal("100.00"), stock=1000)
    runner = factory.product(branch, sell_price=Decimal("50.00"), stock=1000)
    when = local(date(2026, 3, 10), 12)

    def sell(n: int) -> None:
        lines = [(rug, 1, "100.00"), (runner, 1, "50.00")]
        factory.receipt(sellers[n % 8], lines if n % 4 < 2 else lines[::-1], date=when)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(sell, range(40)))
    headers = auth_headers(client, factory.admin())
    data = client.get("/api/sales/analytics", params={"period": "month"}, headers=headers)
    totals = data.json()["data"]["totals"]
    assert totals["sale_count"] == 40 and totals["item_count"] == 80
    assert money(totals["revenue"]) == Decimal("6000.00")
    kept = rollup_rows(db)
    with db.transaction() as session:
        rebuild(session, factory.tz)
    assert rollup_rows(db) == kept
