"""Query building blocks shared by every domain's repository.

Two rules live here and nowhere else: soft-deleted rows are invisible unless asked for, and a
caller confined to one branch only ever gets rows of that branch.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar, cast

from sqlalchemy import ColumnElement, Connection, Select, func, inspect, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, QueryableAttribute, Session

from carpet_shop.core.errors import Forbidden
from carpet_shop.core.models import Base, SoftDeleteMixin
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.prepared import UnboundColumns, connection_of

M = TypeVar("M", bound=Base)
R = TypeVar("R")


@dataclass(frozen=True)
class BranchScope:
    """What branches a caller may read, and which one they asked for.

    `allowed_branch_id` is None for the director (every branch) and the seller's own branch
    otherwise. `requested_branch_id` is the optional `branch_id` filter of a list.
    """

    allowed_branch_id: uuid.UUID | None
    requested_branch_id: uuid.UUID | None = None

    @property
    def list_branch_id(self) -> uuid.UUID | None:
        return self.allowed_branch_id or self.requested_branch_id

    def conditions_on(
        self, *columns: ColumnElement[Any] | QueryableAttribute[Any]
    ) -> list[ColumnElement[bool]]:
        """What confines a query to the rows this caller may list: none for the director
        listing every branch, else the row's branch (through any of `columns`: a transfer
        belongs to both its ends) is the one allowed or asked for. The only place a list
        is confined to a branch; repositories start from it (`BranchScopedMixin.readable`)."""
        branch_id = self.list_branch_id
        if branch_id is None:
            return []
        return [or_(*(column == branch_id for column in columns))]

    def can_see(self, *branch_ids: uuid.UUID | None) -> bool:
        return self.allowed_branch_id is None or self.allowed_branch_id in branch_ids

    def check(
        self, *branch_ids: uuid.UUID | None, refusal: str = "This belongs to another branch"
    ) -> None:
        """The contract's 403 for another branch's object, raised here and nowhere else: the
        object belongs to the branches given (a transfer to both ends)."""
        if not self.can_see(*branch_ids):
            raise Forbidden(refusal)


ALL_BRANCHES = BranchScope(allowed_branch_id=None)


def insert_on_conflict(dialect: str, table: Any) -> Any:
    """An INSERT that can take ON CONFLICT clauses, for the database `dialect` names (both
    have them, spelled alike)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@functools.cache
def _column_keys(model: type[Base]) -> tuple[str, ...]:
    return tuple(column.key for column in inspect(model).column_attrs)


def _refuse(model: type[Base], given: Any) -> None:
    keys = set(_column_keys(model))
    missing, unknown = sorted(keys - set(given)), sorted(set(given) - keys)
    raise UnboundColumns(
        f"{model.__name__}: every column needs a value (None included);"
        f" missing {missing}, not columns {unknown}"
    )


def unsaved(model: type[M], **values: Any) -> M:
    """An entity holding `values` the way the ORM builds one it loads: without change
    tracking, at a fraction of the constructor's cost. For the rows of a new receipt, written
    by prepared INSERTs and only read afterwards.

    Every column must be given, None included: nothing fills in a default, so a column
    added to the model is refused here until the code that builds the row sets it.
    """
    if len(values) != len(_column_keys(model)):
        _refuse(model, values)
    entity = cast(M, inspect(model).class_manager.new_instance())
    entity.__dict__.update(values)
    return entity


def row_of(entity: Base) -> dict[str, Any]:
    """A new entity's column values, as parameters of a prepared INSERT of its table.

    Read from the entity's own values, never through the attributes: those would answer
    None for a column nothing set, and that None would be written.
    """
    values = entity.__dict__
    try:
        return {key: values[key] for key in _column_keys(type(entity))}
    except KeyError:
        _refuse(type(entity), [k for k in values if not k.startswith("_sa_")])
        raise


_HELD = "carpet_shop_held"


def _held(session: Session) -> dict[tuple[type[Any], uuid.UUID], Any]:
    """The rows the session holds for its current transaction (none yet for a new one)."""
    transaction = session.get_transaction()
    kept: tuple[object, dict[tuple[type[Any], uuid.UUID], Any]] | None = session.info.get(_HELD)
    if kept is None or kept[0] is not transaction or transaction is None:
        kept = session.info[_HELD] = (transaction, {})
    return kept[1]


class Repository(Generic[M]):
    model: ClassVar[type[Any]]
    # Rows that every write of a long transaction refers to again (the branch and collection
    # of each product an import makes): once got, the session holds them until its
    # transaction ends. The identity map holds rows only weakly, so without this each `get`
    # after the last reference went would read the row again. Only for tables of a few rows.
    held_for_transaction: ClassVar[bool] = False

    def __init__(self, session: Session):
        self.session = session

    def statement(self) -> Select[M]:
        return select(self.model)

    def get(self, entity_id: uuid.UUID) -> M | None:
        # Taken first: a new transaction drops the rows the last one held.
        held = _held(self.session) if self.held_for_transaction else None
        found: M | None = self.session.get(self.model, entity_id)
        if held is not None and found is not None:
            held[(self.model, entity_id)] = found
        return found

    @property
    def connection(self) -> Connection:
        """The transaction's connection, for prepared statements on the busiest paths
        (core.prepared). Nothing pending is flushed first (sessions do not autoflush)."""
        return connection_of(self.session)

    def add(self, entity: M) -> M:
        self.session.add(entity)
        self.session.flush()
        return entity

    def add_all(self, entities: Sequence[M]) -> None:
        """New rows written by one flush (the unit of work inserts them together)."""
        self.session.add_all(entities)
        self.session.flush()

    def flush(self) -> None:
        self.session.flush()

    def count(self, statement: Select[R]) -> int:
        total = self.session.scalar(
            select(func.count()).select_from(statement.order_by(None).subquery())
        )
        return int(total or 0)

    def paginate(self, statement: Select[R], page: PageParams) -> tuple[Sequence[R], int]:
        """One page of entities, and how many there are in all."""
        rows = self.session.scalars(statement.limit(page.page_size).offset(page.offset)).all()
        return rows, self._total(statement, page, len(rows))

    def _total(self, statement: Select[Any], page: PageParams, on_page: int) -> int:
        # A page that is not full is the last one: the total needs no second query.
        if 0 < on_page < page.page_size or (on_page == 0 and page.page == 1):
            return page.offset + on_page
        return self.count(statement)


class SoftDeleteRepository(Repository[M]):
    """For tables with `SoftDeleteMixin`: deleted rows vanish from every default query."""

    def statement(self, *, include_deleted: bool = False) -> Select[M]:
        stmt = select(self.model)
        if not include_deleted:
            stmt = stmt.where(self.model.deleted_at.is_(None))
        return stmt

    def get_live(self, entity_id: uuid.UUID) -> M | None:
        entity = self.get(entity_id)
        if entity is None or getattr(entity, "deleted_at", None) is not None:
            return None
        return entity

    def soft_delete(self, entity: M, *, by: uuid.UUID, at: datetime) -> None:
        assert isinstance(entity, SoftDeleteMixin)
        entity.deleted_at = at
        entity.deleted_by_id = by
        self.session.flush()

    def restore(self, entity: M) -> None:
        assert isinstance(entity, SoftDeleteMixin)
        entity.deleted_at = None
        entity.deleted_by_id = None
        self.session.flush()


class BranchScopedMixin:
    """Every read of a branch's rows starts from `readable(scope)`. Declare `branch_column`
    (or `branch_columns` where a row belongs to several branches)."""

    branch_column: ClassVar[InstrumentedAttribute[Any]]
    branch_columns: ClassVar[tuple[InstrumentedAttribute[Any], ...]] = ()

    @classmethod
    def _branch_columns(cls) -> tuple[InstrumentedAttribute[Any], ...]:
        # Read from the class: through the instance, the mapped attribute's descriptor would
        # treat the repository as an entity and raise UnmappedInstanceError.
        return cls.branch_columns or (cls.branch_column,)

    def readable(self, scope: BranchScope) -> Select[Any]:
        """The rows of this repository's table that `scope` may list."""
        model = self._branch_columns()[0].class_
        return select(model).where(*scope.conditions_on(*self._branch_columns()))

    def scoped(self, statement: Select[R], scope: BranchScope) -> Select[R]:
        """`statement` confined like `readable`, for reads that select more than the rows."""
        return statement.where(*scope.conditions_on(*self._branch_columns()))

    def check_readable(self, scope: BranchScope, entity: Any) -> None:
        """403 unless `scope` may read `entity` (core.repository.BranchScope.check)."""
        scope.check(*(getattr(entity, column.key) for column in self._branch_columns()))
