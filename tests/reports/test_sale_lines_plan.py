"""The sales report streams on SQLite: its query walks sales by date, so only the lines of one
moment are sorted, never the year's (with temp_store=MEMORY that sort was the server's memory
growing by hundreds of MB per export)."""

from __future__ import annotations

import uuid

import pytest

from carpet_shop.core.repository import ALL_BRANCHES
from carpet_shop.reports import repository
from carpet_shop.sales.filters import SaleFilters


def _plan(db, monkeypatch, filters: SaleFilters) -> list[str]:
    caught: list[object] = []
    monkeypatch.setattr(
        repository, "_stream", lambda session, stmt, params=None: caught.append(stmt) or iter(())
    )
    list(repository.sale_lines(None, filters))  # type: ignore[arg-type]
    with db.engine.connect() as conn:
        sql = caught[0].compile(  # type: ignore[attr-defined]
            dialect=conn.dialect, compile_kwargs={"literal_binds": True}
        )
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
        return [row[3] for row in rows]


@pytest.mark.parametrize(
    "filters",
    [
        SaleFilters(scope=ALL_BRANCHES),
        SaleFilters(scope=ALL_BRANCHES, product_id=uuid.uuid4()),
    ],
    ids=["all", "one product"],
)
def test_sale_lines_walk_sales_by_date_without_sorting_the_year(db, backend, monkeypatch, filters):
    if backend.name != "sqlite":
        pytest.skip("PostgreSQL sorts within work_mem and spills to disk")
    plan = _plan(db, monkeypatch, filters)
    assert any(
        step.startswith(f"SCAN sales USING INDEX {repository.SALES_BY_DATE}") for step in plan
    ), plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
