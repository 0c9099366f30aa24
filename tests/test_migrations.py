"""Migrations are the only way a schema is made: they must match the models, both ways."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from carpet_shop.core import migrations
from carpet_shop.core.database import make_engine
from carpet_shop.models import Base
from carpet_shop.returns import service as returns_service
from carpet_shop.returns.schemas import ReturnCreate


@pytest.fixture
def empty_database(backend, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, for this test only.

    PostgreSQL: an empty schema of the worker's database, first on the search path (creating and
    dropping a whole database costs a checkpoint each time).
    """
    if backend.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    assert backend.pg_url is not None
    schema = f"migrations_{uuid.uuid4().hex[:10]}"
    engine = create_engine(backend.pg_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(backend.pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "render_as_batch": conn.dialect.name == "sqlite",
                    "target_metadata": Base.metadata,
                },
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_head_matches_the_models_and_downgrade_base_removes_everything(empty_database):
    migrations.upgrade(empty_database)
    assert _tables(empty_database) >= {t.name for t in Base.metadata.sorted_tables}
    assert _differences(empty_database) == []

    migrations.downgrade(empty_database, "base")
    assert _tables(empty_database) - {"alembic_version"} == set()

    # And back up again: the downgrade left nothing in the way.
    migrations.upgrade(empty_database)
    assert _differences(empty_database) == []


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_stepping_over_credit_sales_keeps_every_sale_and_return(factory, db, database_url):
    """Down one revision and up again over the credit-sales migration: no sale, item, payment
    or return is lost (on SQLite a batch copy of `sales` would have cascaded its items away),
    and a return approved before it reads as refunded in money."""
    branch = factory.branch()
    product = factory.product(branch, stock=5, buy_price=100, sell_price=800)
    view = factory.sale(
        factory.seller(branch), (product, 2, 1600), customer_name="A", customer_phone="901234567"
    )
    body = ReturnCreate.model_validate(
        {
            "sale_id": str(view.sale.id),
            "items": [{"sale_item_id": str(view.items[0].item.id), "quantity": 1}],
            "reason": "DEFECTIVE",
        }
    )
    with db.transaction() as session:
        asked = returns_service.create_return(session, factory.actor(), factory.clock, body)
    with db.transaction() as session:
        returns_service.approve_return(
            session, factory.actor(), factory.clock, asked.sale_return.id, factory.tz
        )
    db.engine.dispose()
    counts = (
        "SELECT (SELECT count(*) FROM sales), (SELECT count(*) FROM sale_items),"
        " (SELECT count(*) FROM sale_payments), (SELECT count(*) FROM returns)"
    )
    try:
        migrations.downgrade(database_url, "90c871c3a2d4")  # the revision before credit sales
        assert _rows(database_url, counts) == [(1, 1, 1, 1)]
    finally:
        migrations.upgrade(database_url)
    assert _rows(database_url, counts) == [(1, 1, 1, 1)]
    # Integer hundredths: 800 so'm refunded, none of it against a debt.
    assert _rows(database_url, "SELECT debt_reduced, cash_refund FROM returns") == [(0, 80000)]
