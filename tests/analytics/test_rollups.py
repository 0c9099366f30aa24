"""The rollups kept sale by sale equal the rollups rebuilt from the receipts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from carpet_shop import cli
from carpet_shop.analytics.models import PaymentsDaily, ProductsDaily, ProductsMonthly, SalesDaily
from tests.analytics.shop import build_shop

TABLES = (SalesDaily, PaymentsDaily, ProductsDaily, ProductsMonthly)


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
