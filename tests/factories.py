"""Test data, built through the services so every row is one the API could have made."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from carpet_shop.analytics import service as analytics_service
from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.branches import service as branches_service
from carpet_shop.branches.models import Branch
from carpet_shop.branches.schemas import BranchCreate
from carpet_shop.catalog.models import Category, Collection, Product, ProductType
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import FrozenClock
from carpet_shop.core.database import Database
from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.demo import ensure_admin
from carpet_shop.sales.models import PaymentType, Sale, SaleItem, SalePayment
from carpet_shop.users import service as users_service
from carpet_shop.users.models import Role, User
from carpet_shop.users.schemas import UserCreate

PASSWORD = "secret123"


@dataclass(frozen=True)
class Receipt:
    """A sale with its rows (Sale.items is lazy="raise" once its session is closed)."""

    sale: Sale
    items: list[SaleItem]
    payments: list[SalePayment]


META = RequestMeta(ip_address="127.0.0.1", user_agent="factory")
_seq = itertools.count(1)


@dataclass
class Factory:
    db: Database
    clock: FrozenClock
    policy: AuthPolicy
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Tashkent"))
    _admin: User | None = field(default=None, init=False)

    def admin(self, username: str = "director") -> User:
        if self._admin is None:
            with self.db.transaction() as session:
                self._admin = ensure_admin(
                    session, self.clock, self.policy, username, PASSWORD, "Director"
                )
        return self._admin

    def actor(self) -> Actor:
        return Actor(user=self.admin(), meta=META)

    def branch(self, name: str | None = None, **fields: Any) -> Branch:
        n = next(_seq)
        with self.db.transaction() as session:
            return branches_service.create_branch(
                session,
                self.actor(),
                self.clock,
                BranchCreate(
                    name=name or f"Branch {n}", code=fields.pop("code", f"B{n}"), **fields
                ),
            )

    def user(
        self,
        *,
        role: Role = Role.SELLER,
        branch: Branch | None = None,
        username: str | None = None,
        password: str = PASSWORD,
        **fields: Any,
    ) -> User:
        if role == Role.SELLER and branch is None:
            branch = self.branch()
        with self.db.transaction() as session:
            return users_service.create_user(
                session,
                self.actor(),
                self.clock,
                self.policy.hasher,
                UserCreate(
                    username=username or f"user{next(_seq)}",
                    password=password,
                    role=role,
                    branch_id=branch.id if branch else None,
                    **fields,
                ),
            )

    def seller(self, branch: Branch | None = None, **fields: Any) -> User:
        return self.user(role=Role.SELLER, branch=branch, **fields)

    # Catalog and sales rows. Until the catalog and sales services exist these insert ORM rows
    # with the figures those services freeze; the integrator points them at the services.

    def collection(self, name: str | None = None) -> Collection:
        with self.db.transaction() as session:
            row = Collection(name=name or f"Collection {next(_seq)}")
            session.add(row)
            session.flush()
            return row

    def product(
        self,
        branch: Branch,
        *,
        collection: Collection | None = None,
        category: Category = Category.GILAMLAR,
        type: ProductType = ProductType.UNIT,
        buy_price: Decimal = Decimal("100.00"),
        sell_price: Decimal = Decimal("150.00"),
        quantity: int = 10,
        length: Decimal | None = None,
        low_stock_threshold: Decimal | None = None,
        name: str | None = None,
    ) -> Product:
        collection = collection or self.collection()
        meter = type == ProductType.METER
        with self.db.transaction() as session:
            row = Product(
                name=name or f"Product {next(_seq)}",
                category=category,
                collection_id=collection.id,
                type=type,
                buy_price=buy_price,
                sell_price=sell_price,
                sell_price_per_meter=sell_price if meter else None,
                quantity=0 if meter else quantity,
                total_length=length if meter else None,
                remaining_length=length if meter else None,
                low_stock_threshold=low_stock_threshold,
                branch_id=branch.id,
                available_sizes=[],
            )
            session.add(row)
            session.flush()
            return row

    def receipt(
        self,
        seller: User,
        items: Sequence[tuple[Product, Decimal | int | str, Decimal | int | str]],
        payments: Sequence[tuple[PaymentType, Decimal | int | str]] | None = None,
        *,
        date: datetime | None = None,
        customer_phone: str | None = None,
        branch: Branch | None = None,
    ) -> Receipt:
        """A sale with the frozen figures of the issue's formulas (standard price = list
        price, no discount), added to the analytics rollups as the sales service will."""
        branch_id = branch.id if branch else seller.branch_id
        assert branch_id is not None
        when = date or self.clock.now()
        lines = [(p, Decimal(str(q)), Decimal(str(a))) for p, q, a in items]
        paid = [(t, Decimal(str(a))) for t, a in payments or []] or [
            (PaymentType.CASH, sum((a for _, _, a in lines), Decimal("0")))
        ]
        sale_items = []
        for position, (product, quantity, amount) in enumerate(lines):
            standard = product.standard_price
            extra = amount - _cents(standard * quantity)
            sale_items.append(
                SaleItem(
                    position=position,
                    product_id=product.id,
                    quantity=quantity,
                    amount=amount,
                    list_price=standard,
                    standard_price=standard,
                    buy_price=product.buy_price,
                    extra_profit=extra,
                    director_profit=_cents((standard - product.buy_price) * quantity)
                    + min(extra, Decimal("0")),
                )
            )
        n = next(_seq)
        with self.db.transaction() as session:
            sale = Sale(
                receipt_number=f"T-{n:08d}",
                branch_id=branch_id,
                seller_id=seller.id,
                customer_phone=customer_phone,
                date=when,
                created_at=when,
                amount=sum((i.amount for i in sale_items), Decimal("0")),
                profit=sum((i.extra_profit for i in sale_items), Decimal("0")),
                director_profit=sum((i.director_profit for i in sale_items), Decimal("0")),
                cost=sum((_cents(i.buy_price * i.quantity) for i in sale_items), Decimal("0")),
            )
            session.add(sale)
            session.flush()
            for item in sale_items:
                item.sale_id = sale.id
            sale_payments = [
                SalePayment(sale_id=sale.id, position=i, payment_type=t, amount=a)
                for i, (t, a) in enumerate(paid)
            ]
            session.add_all([*sale_items, *sale_payments])
            session.flush()
            analytics_service.record_sale(session, sale, sale_items, sale_payments, self.tz)
        return Receipt(sale, sale_items, sale_payments)

    def approve_return(
        self,
        receipt: Receipt,
        item: SaleItem,
        quantity: Decimal | int | str,
        refund: Decimal | int | str,
    ) -> None:
        """An approved return of part of an item, as the returns service will record it."""
        quantity, refund = Decimal(str(quantity)), Decimal(str(refund))
        with self.db.transaction() as session:
            row = session.get(SaleItem, item.id)
            sale_row = session.get(Sale, receipt.sale.id)
            assert row is not None and sale_row is not None
            row.returned_quantity += quantity
            row.refunded_amount += refund
            sale_row.refunded_amount += refund
            session.flush()
            analytics_service.record_return(
                session, sale_row, row, quantity=quantity, refund=refund, tz=self.tz
            )
        item.returned_quantity += quantity
        item.refunded_amount += refund


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def auth_headers(client: TestClient, user: User, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": f"Bearer {login(client, user.username, password)['access_token']}"}


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The contract's error envelope, with this status and code."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    assert "timestamp" in body
    assert response.headers.get("x-request-id")
    return body
