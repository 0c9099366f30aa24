from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, func, or_
from sqlalchemy.exc import IntegrityError

from carpet_shop.core import like
from carpet_shop.core.repository import SoftDeleteRepository
from carpet_shop.customers.models import Customer
from carpet_shop.customers.phone import phone_digits


def name_or_phone_matches(
    name: SQLColumnExpression[str], phone: SQLColumnExpression[str], q: str
) -> ColumnElement[bool]:
    """A free-text search on a name and a canonical phone column.

    Digits match anywhere in the phone, so `90 123`, `+99890123` and `1234567` all find
    +998901234567.
    """
    pattern = like.contains(q.lower())
    conditions: list[ColumnElement[bool]] = [func.lower(name).like(pattern, escape=like.ESCAPE)]
    digits = phone_digits(q)
    if digits is not None:
        conditions.append(phone.like(f"%{digits}%"))
    return or_(*conditions)


class CustomerRepository(SoftDeleteRepository[Customer]):
    model = Customer

    def find_live_by_phone(self, phone: str) -> Customer | None:
        return self.session.scalar(self.statement().where(Customer.phone == phone))

    def phone_taken(self, phone: str, *, except_id: uuid.UUID | None = None) -> Customer | None:
        stmt = self.statement().where(Customer.phone == phone)
        if except_id is not None:
            stmt = stmt.where(Customer.id != except_id)
        return self.session.scalar(stmt.limit(1))

    def insert(self, customer: Customer) -> bool:
        """Insert; False if a live customer got the same phone first (a concurrent request).

        The partial unique index decides, inside a savepoint, so the caller's transaction
        survives the collision and can read the winner.
        """
        try:
            with self.session.begin_nested():
                self.session.add(customer)
        except IntegrityError:
            return False
        return True

    def change_unique(self, change: Callable[[], None]) -> bool:
        """Apply `change` (which may set a phone) and flush it; False if the index refused.

        The change is made inside the savepoint: beginning one flushes what is pending, so a
        phone set before it would hit the index outside the savepoint's protection.
        """
        try:
            with self.session.begin_nested():
                change()
        except IntegrityError:
            return False
        return True

    def search(self, *, q: str | None, include_deleted: bool) -> Select[Customer]:
        stmt = self.statement(include_deleted=include_deleted)
        if q:
            stmt = stmt.where(name_or_phone_matches(Customer.name, Customer.phone, q))
        return stmt.order_by(Customer.name, Customer.id)

    def hits(self, q: str, limit: int) -> Sequence[Customer]:
        return self.session.scalars(self.search(q=q, include_deleted=False).limit(limit)).all()
