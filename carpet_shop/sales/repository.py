"""The sales domain's queries: sales with their items and payments, receipt counters and
idempotency records."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    bindparam,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm.attributes import set_committed_value

from carpet_shop.branches.models import Branch
from carpet_shop.catalog.models import (
    Category,
    Collection,
    Product,
    ProductSize,
    ProductType,
    standard_price_of,
)
from carpet_shop.core.ids import new_id
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.prepared import Prepared, PreparedPerDialect
from carpet_shop.core.repository import (
    BranchScope,
    Repository,
    insert_on_conflict,
    row_of,
    unsaved,
)
from carpet_shop.sales.models import IdempotencyRecord, ReceiptCounter, Sale, SaleItem, SalePayment
from carpet_shop.users.models import User


def _seller_name() -> ColumnElement[str]:
    return func.coalesce(func.nullif(User.full_name, ""), User.username)


class ProductForSale(NamedTuple):
    """What ringing up a sale reads of a product, its collection and its branch."""

    id: uuid.UUID
    name: str
    type: ProductType
    category: Category
    collection_id: uuid.UUID
    collection_name: str
    branch_id: uuid.UUID
    branch_code: str
    branch_name: str
    branch_deleted: bool
    buy_price: Decimal | None
    sell_price: Decimal
    sell_price_per_meter: Decimal | None
    available_sizes: list[str] | None
    photo_thumb: str | None
    sell_price_per_m2: Decimal | None
    buy_price_per_m2: Decimal | None
    price_step: Decimal | None

    @property
    def standard_price(self) -> Decimal:
        return standard_price_of(self.type, self.sell_price, self.sell_price_per_meter)


# Prepared once (every sale runs it); the ids are bound at execution. Columns, not entities:
# nothing here is changed through the unit of work (stock moves by conditional UPDATE).
_PRODUCTS_FOR_SALE = Prepared(
    select(
        Product.id,
        Product.name,
        Product.type,
        Product.category,
        Product.collection_id,
        Collection.name,
        Product.branch_id,
        Branch.code,
        Branch.name,
        Branch.deleted_at.is_not(None),
        Product.buy_price,
        Product.sell_price,
        Product.sell_price_per_meter,
        Product.available_sizes,
        Product.photo_thumb,
        Product.sell_price_per_m2,
        Product.buy_price_per_m2,
        Product.price_step,
    )
    .join(Collection, Collection.id == Product.collection_id)
    .join(Branch, Branch.id == Product.branch_id)
    .where(Product.id.in_(bindparam("ids", expanding=True)), Product.deleted_at.is_(None))
)


class SizeForSale(NamedTuple):
    product_id: uuid.UUID
    size: str
    width: Decimal
    height: Decimal
    sell_price: Decimal | None
    buy_price: Decimal | None


_SIZES_FOR_SALE = Prepared(
    select(
        ProductSize.product_id,
        ProductSize.size,
        ProductSize.width,
        ProductSize.height,
        ProductSize.sell_price,
        ProductSize.buy_price,
    ).where(ProductSize.product_id.in_(bindparam("ids", expanding=True)))
)
# A receipt's rows: written once and never changed through the unit of work in the
# request that rings it up, so they go in as prepared INSERTs rather than flushed objects.
# A sale whose receipt number is taken is not written (see sales.receipts).
_INSERT_ITEMS = Prepared(insert(SaleItem))
_INSERT_PAYMENTS = Prepared(insert(SalePayment))


_INSERT_SALE = PreparedPerDialect(
    lambda dialect: insert_on_conflict(dialect, Sale).on_conflict_do_nothing(
        index_elements=[Sale.receipt_number]
    )
)


class SaleRepository(Repository[Sale]):
    model = Sale

    def products_for_sale(self, product_ids: Iterable[uuid.UUID]) -> list[ProductForSale]:
        """Live products with their collection and branch, in one query."""
        rows = _PRODUCTS_FOR_SALE.rows(self.connection, {"ids": list(set(product_ids))})
        return [ProductForSale._make(row) for row in rows]

    def sizes_for_sale(self, product_ids: Iterable[uuid.UUID]) -> list[SizeForSale]:
        rows = _SIZES_FOR_SALE.rows(self.connection, {"ids": list(set(product_ids))})
        return [SizeForSale._make(row) for row in rows]

    # A new receipt's objects are made with every column set and left out of the session:
    # they are only read back for the answer.

    # A sale's rows are written once, by the prepared INSERTs below, and never changed in the
    # request that rings it up: they are built without change tracking (core.repository).

    @staticmethod
    def new_sale(**values: Any) -> Sale:
        return unsaved(Sale, **values)

    @staticmethod
    def new_item(**values: Any) -> SaleItem:
        return unsaved(SaleItem, **values)

    @staticmethod
    def new_payment(**values: Any) -> SalePayment:
        return unsaved(SalePayment, **values)

    def insert_sale(self, sale: Sale) -> bool:
        """Write a new sale; False, writing nothing, when its receipt number is taken."""
        connection = self.connection
        return _INSERT_SALE.on(connection).execute(connection, row_of(sale)) == 1

    def insert_lines(self, items: Sequence[SaleItem], payments: Sequence[SalePayment]) -> None:
        """Write a new sale's items and payments."""
        _INSERT_ITEMS.execute_many(self.connection, [row_of(item) for item in items])
        _INSERT_PAYMENTS.execute_many(self.connection, [row_of(payment) for payment in payments])

    def _headers(self) -> Select[Sale, str, str]:
        return (
            select(Sale, Branch.name.label("branch_name"), _seller_name().label("seller_name"))
            .join(Branch, Branch.id == Sale.branch_id)
            .join(User, User.id == Sale.seller_id)
        )

    def page(
        self, conditions: Sequence[ColumnElement[bool]], page: PageParams
    ) -> tuple[Sequence[Row[Sale, str, str]], int]:
        total = self.session.scalar(select(func.count(Sale.id)).where(*conditions))
        stmt = (
            self._headers()
            .where(*conditions)
            .order_by(Sale.date.desc(), Sale.created_at.desc(), Sale.id.desc())
            .limit(page.page_size)
            .offset(page.offset)
        )
        return self.session.execute(stmt).all(), int(total or 0)

    def header(self, sale_id: uuid.UUID) -> Row[Sale, str, str] | None:
        return self.session.execute(self._headers().where(Sale.id == sale_id)).first()

    def items_with_products(
        self, sale_ids: Sequence[uuid.UUID]
    ) -> Sequence[Row[SaleItem, str, ProductType, list[str], str | None, str]]:
        """Every item of these sales with what the card shows of its product (one query)."""
        stmt = (
            select(
                SaleItem,
                Product.name.label("product_name"),
                Product.type.label("product_type"),
                Product.available_sizes.label("sizes"),
                Product.photo_thumb.label("photo_thumb"),
                Collection.name.label("collection_name"),
            )
            .join(Product, Product.id == SaleItem.product_id)
            .join(Collection, Collection.id == Product.collection_id)
            .where(SaleItem.sale_id.in_(sale_ids))
            .order_by(SaleItem.sale_id, SaleItem.position)
        )
        return self.session.execute(stmt).all()

    def payments_of(self, sale_ids: Sequence[uuid.UUID]) -> Sequence[SalePayment]:
        stmt = (
            select(SalePayment)
            .where(SalePayment.sale_id.in_(sale_ids))
            .order_by(SalePayment.sale_id, SalePayment.position)
        )
        return self.session.scalars(stmt).all()

    def of_customer(
        self,
        customer_id: uuid.UUID,
        phone: str,
        also: Sequence[uuid.UUID],
        scope: BranchScope,
        limit: int,
    ) -> tuple[Sequence[Sale], int]:
        """A customer's purchases that `scope` may see (a seller: their branch's), newest
        first, and how many there are.

        A sale is theirs when it names them (`customer_id`); older sales, recorded before
        sales named customers, count when they carry the customer's phone and name no one;
        `also` adds sales known to be theirs from elsewhere (their debts' sales).
        """
        theirs = or_(
            Sale.customer_id == customer_id,
            and_(Sale.customer_id.is_(None), Sale.customer_phone == phone),
            Sale.id.in_(list(also)) if also else false(),
        )
        stmt = select(Sale).where(theirs, *scope.conditions_on(Sale.branch_id))
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = self.session.scalars(
            stmt.order_by(Sale.date.desc(), Sale.id.desc()).limit(limit)
        ).all()
        return rows, int(total or 0)

    def lock(self, sale_id: uuid.UUID) -> Sale | None:
        """The sale, locked against concurrent returns (a row lock on PostgreSQL; SQLite's
        write transaction already excludes other writers)."""
        return self.session.scalar(
            select(Sale)
            .where(Sale.id == sale_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    def items_of(self, sale_id: uuid.UUID) -> Sequence[SaleItem]:
        stmt = (
            select(SaleItem)
            .where(SaleItem.sale_id == sale_id)
            .order_by(SaleItem.position)
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(stmt).all()

    def record_return(self, item_id: uuid.UUID, quantity: Decimal, refund: Decimal) -> bool:
        """Add a return to an item in one conditional UPDATE: never more back than sold, never
        more refunded than paid."""
        result = self.session.execute(
            update(SaleItem)
            .where(
                SaleItem.id == item_id,
                SaleItem.returned_quantity + quantity <= SaleItem.quantity,
                SaleItem.refunded_amount + refund <= SaleItem.amount,
            )
            .values(
                returned_quantity=SaleItem.returned_quantity + quantity,
                refunded_amount=SaleItem.refunded_amount + refund,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def record_refund(self, sale: Sale, refund: Decimal) -> Decimal | None:
        """Add to the sale's refunded amount; its new value, or None if it would pass the
        amount."""
        refunded: Decimal | None = self.session.execute(
            update(Sale)
            .where(Sale.id == sale.id, Sale.refunded_amount + refund <= Sale.amount)
            .values(refunded_amount=Sale.refunded_amount + refund)
            .returning(Sale.refunded_amount)
            .execution_options(synchronize_session=False)
        ).scalar()
        if refunded is not None:
            # The loaded sale follows the row without being marked changed.
            set_committed_value(sale, "refunded_amount", refunded)
        return refunded


# Every sale runs it.
_BUMP = PreparedPerDialect(
    lambda dialect: (
        insert_on_conflict(dialect, ReceiptCounter)
        .values(branch_id=bindparam("branch_id"), last_number=1)
        .on_conflict_do_update(
            index_elements=[ReceiptCounter.branch_id],
            set_={"last_number": ReceiptCounter.last_number + 1},
        )
        .returning(ReceiptCounter.last_number)
    )
)


class ReceiptRepository(Repository[ReceiptCounter]):
    model = ReceiptCounter

    def bump(self, branch_id: uuid.UUID) -> int:
        """The branch's next receipt number, in one atomic statement.

        The counter row stays locked (PostgreSQL) or the database stays locked (SQLite) until
        the sale's transaction ends, so numbers are handed out one at a time; an aborted sale
        rolls its bump back and leaves no gap. The first sale of a branch creates the row.
        """
        connection = self.connection
        rows = _BUMP.on(connection).rows(connection, {"branch_id": branch_id})
        return int(rows[0][0])

    def set_last(self, branch_id: uuid.UUID, number: int) -> None:
        self.session.execute(
            update(ReceiptCounter)
            .where(ReceiptCounter.branch_id == branch_id)
            .values(last_number=number)
            .execution_options(synchronize_session=False)
        )

    def numbers_with_prefix(self, prefix: str) -> Sequence[str]:
        stmt = select(Sale.receipt_number).where(Sale.receipt_number.startswith(prefix))
        return self.session.scalars(stmt).all()


class IdempotencyRepository(Repository[IdempotencyRecord]):
    model = IdempotencyRecord

    def claim(self, user_id: uuid.UUID, key: str, request_hash: str, now: datetime) -> bool:
        """Insert the key's record unless it exists; False when it does.

        On PostgreSQL, when another transaction has inserted the same key and not finished,
        this waits for it: its commit makes this a conflict (the caller replays its answer),
        its rollback lets this one through. SQLite runs writers one at a time.
        """
        stmt = (
            insert_on_conflict(self.session.get_bind().dialect.name, IdempotencyRecord)
            .values(
                id=new_id(),
                user_id=user_id,
                key=key,
                request_hash=request_hash,
                status_code=0,
                response={},
                created_at=now,
            )
            .on_conflict_do_nothing(
                index_elements=[IdempotencyRecord.user_id, IdempotencyRecord.key]
            )
            .returning(IdempotencyRecord.id)
        )
        return self.session.execute(stmt).scalar() is not None

    def find(self, user_id: uuid.UUID, key: str) -> IdempotencyRecord | None:
        stmt = (
            select(IdempotencyRecord)
            .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(stmt)

    def complete(
        self, user_id: uuid.UUID, key: str, status_code: int, response: dict[str, Any]
    ) -> None:
        self.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
            .values(status_code=status_code, response=response)
            .execution_options(synchronize_session=False)
        )
