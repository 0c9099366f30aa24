"""Prepared statements (core.prepared): the values written and read back are those the ORM
writes and reads, on SQLite and PostgreSQL; what they cannot do is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from carpet_shop.audit.models import AuditAction, AuditLog
from carpet_shop.catalog.models import Product, ProductType
from carpet_shop.core.prepared import Prepared, connection_of

_APPEND = Prepared(insert(AuditLog))
_PRODUCTS = Prepared(
    select(
        Product.id,
        Product.type,
        Product.sell_price,
        Product.remaining_length,
        Product.available_sizes,
        Product.created_at,
    )
    .where(Product.id.in_(bindparam("ids", expanding=True)))
    .order_by(Product.name)
)
_ROLLS = Prepared(
    select(Product.id).where(Product.type == ProductType.METER, Product.id == bindparam("id"))
)
_REPRICE = Prepared(
    update(Product)
    .where(Product.id == bindparam("id"))
    .values(sell_price=bindparam("price"), updated_at=bindparam("now"))
    .returning(Product.sell_price, Product.updated_at)
)


def _entry(**fields: object) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "user_id": None,
        "action": AuditAction.UPDATE,
        "entity_type": "product",
        "entity_id": uuid.uuid4(),
        "changes": {"price": {"old": 1, "new": 2}, "note": "Bahor aksiyasi"},
        "ip_address": "10.0.0.7",
        "user_agent": None,
        "timestamp": datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC),
        **fields,
    }


def test_an_insert_writes_what_the_orm_reads_back(db):
    entry = _entry()
    with db.transaction() as session:
        assert _APPEND.execute(session.connection(), entry) == 1
    with db.transaction(write=False) as session:
        stored = session.get(AuditLog, entry["id"])
        assert stored is not None
        assert {key: getattr(stored, key) for key in entry} == entry


def test_selected_rows_come_back_typed_and_in_lists(db, factory):
    rug = factory.product(name="A rug", sell_price="1250000.50")
    roll = factory.product(name="B roll", type=ProductType.METER, length="12.35", sell_price=90_000)
    with db.transaction(write=False) as session:
        connection = session.connection()
        rows = _PRODUCTS.rows(connection, {"ids": [rug.id, roll.id, uuid.uuid4()]})
        metres = Decimal("12.35")
        assert rows == [
            (rug.id, ProductType.UNIT, Decimal("1250000.50"), None, ["2×3"], rug.created_at),
            (roll.id, ProductType.METER, Decimal("90000.00"), metres, [], roll.created_at),
        ]
        assert _PRODUCTS.rows(connection, {"ids": []}) == []
        # Lists of one size share a rendering, never the values of an earlier call.
        assert [r[0] for r in _PRODUCTS.rows(connection, {"ids": [rug.id]})] == [rug.id]
        assert [r[0] for r in _PRODUCTS.rows(connection, {"ids": [roll.id]})] == [roll.id]
        assert [r[0] for r in _PRODUCTS.rows(connection, {"ids": [roll.id, rug.id]})] == [
            rug.id,
            roll.id,
        ]
        # A value bound in the statement itself (the product type) takes part too.
        assert _ROLLS.rows(connection, {"id": roll.id}) == [(roll.id,)]
        assert _ROLLS.rows(connection, {"id": rug.id}) == []


def test_an_update_returns_the_new_values_and_counts_its_rows(db, factory):
    rug = factory.product(sell_price=150_000)
    now = datetime(2026, 5, 2, 8, 0, tzinfo=UTC)
    with db.transaction() as session:
        connection = session.connection()
        values = {"id": rug.id, "price": Decimal("175000.25"), "now": now}
        assert _REPRICE.rows(connection, values) == [(Decimal("175000.25"), now)]
        assert _REPRICE.execute(connection, values) == 1
        assert _REPRICE.execute(connection, {**values, "id": uuid.uuid4()}) == 0
    with db.transaction(write=False) as session:
        stored = session.get(Product, rug.id)
        assert stored is not None
        assert (stored.sell_price, stored.updated_at) == (Decimal("175000.25"), now)


def test_several_rows_go_in_with_one_call(db):
    entries = [_entry(entity_type=f"thing {n}") for n in range(3)]
    with db.transaction() as session:
        _APPEND.execute_many(session.connection(), entries)
        _APPEND.execute_many(session.connection(), [])
    with db.transaction(write=False) as session:
        stored = session.scalars(
            select(AuditLog.entity_type).where(AuditLog.id.in_([e["id"] for e in entries]))
        ).all()
        assert sorted(stored) == ["thing 0", "thing 1", "thing 2"]


def test_a_database_error_is_sqlalchemys_and_nothing_is_written(db):
    entry = _entry()
    with pytest.raises(IntegrityError), db.transaction() as session:
        _APPEND.execute_many(session.connection(), [entry, entry])
    with db.transaction(write=False) as session:
        assert session.get(AuditLog, entry["id"]) is None


def test_a_missing_value_is_named(db):
    entry = _entry()
    del entry["timestamp"]
    with pytest.raises(ValueError, match="timestamp"), db.transaction() as session:
        _APPEND.execute(session.connection(), entry)


def test_a_statement_that_needs_column_defaults_is_refused(db):
    # updated_at has an onupdate default, which SQLAlchemy would add at execution.
    relies_on_default = Prepared(
        update(Product).where(Product.id == bindparam("id")).values(quantity=1)
    )
    with pytest.raises(ValueError, match="updated_at"), db.transaction() as session:
        relies_on_default.execute(session.connection(), {"id": uuid.uuid4()})


def test_a_value_rendered_into_the_sql_is_refused(db):
    rendered = Prepared(
        select(Product.id).where(Product.name == bindparam("name", literal_execute=True))
    )
    with pytest.raises(ValueError, match="rendered"), db.transaction() as session:
        rendered.rows(session.connection(), {"name": "Gilam"})


def test_the_connection_is_kept_for_one_transaction_only(db):
    session = db.session(write=True)
    try:
        first = connection_of(session)
        assert connection_of(session) is first
        _APPEND.execute(first, _entry())
        session.commit()
        second = connection_of(session)
        assert second is not first
        entry = _entry()
        _APPEND.execute(second, entry)
        session.rollback()
        third = connection_of(session)
        assert third is not second
        # The rolled-back entry is gone: the kept connection was not reused past its end.
        assert session.get(AuditLog, entry["id"]) is None
    finally:
        session.close()
