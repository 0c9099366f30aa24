"""Test data, built through the services so every row is one the API could have made."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from carpet_shop.analytics import service as analytics_service
from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.branches import service as branches_service
from carpet_shop.branches.models import Branch
from carpet_shop.branches.schemas import BranchCreate
from carpet_shop.catalog import master
from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.models import Category, Collection, Product, ProductType, Size
from carpet_shop.catalog.photos import PhotoStore
from carpet_shop.catalog.schemas import CollectionCreate, ProductCreate, SizeCreate
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import FrozenClock, shop_today
from carpet_shop.core.database import Database
from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.core.errors import Conflict
from carpet_shop.currency import service as currency_service
from carpet_shop.currency.models import Currency, CurrencyRate
from carpet_shop.currency.schemas import CurrencyRateCreate
from carpet_shop.customers import service as customers_service
from carpet_shop.customers.models import Customer
from carpet_shop.customers.schemas import CustomerCreate
from carpet_shop.debts import service as debts_service
from carpet_shop.debts.models import Debt, DebtPaymentType, Payment
from carpet_shop.debts.schemas import DebtCreate, PaymentCreate
from carpet_shop.demo import ensure_admin
from carpet_shop.discounts import service as discounts_service
from carpet_shop.discounts.models import Discount, DiscountScope, DiscountType
from carpet_shop.discounts.schemas import DiscountCreate
from carpet_shop.payables.models import Payable
from carpet_shop.sales import service as sales_service
from carpet_shop.sales.models import PaymentType, Sale, SaleItem, SalePayment
from carpet_shop.sales.schemas import SaleCreate
from carpet_shop.sales.views import SaleView
from carpet_shop.suppliers import service as suppliers_service
from carpet_shop.suppliers.models import Supplier
from carpet_shop.suppliers.schemas import SupplierCreate
from carpet_shop.transfers import service as transfers_service
from carpet_shop.transfers.models import Transfer
from carpet_shop.transfers.schemas import TransferCreate
from carpet_shop.users import service as users_service
from carpet_shop.users.models import Role, User
from carpet_shop.users.schemas import UserCreate

# The shop's default low-stock levels (LOW_STOCK_PIECES / LOW_STOCK_METRES).
LOW_STOCK = LowStockDefaults(pieces=Decimal(2), metres=Decimal(10))

PASSWORD = "secret123"
SHOP_TZ = ZoneInfo("Asia/Tashkent")


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
    uploads_dir: str = "uploads"
    _admin: User | None = field(default=None, init=False)
    _collection: Collection | None = field(default=None, init=False)

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

    def actor_for(self, user: User | None) -> Actor:
        return self.actor() if user is None or user.is_admin else Actor(user=user, meta=META)

    def today(self) -> date:
        return shop_today(self.clock, SHOP_TZ)

    def customer(
        self, name: str | None = None, phone: str | None = None, *, by: User | None = None
    ) -> Customer:
        n = next(_seq)
        with self.db.transaction() as session:
            return customers_service.create_customer(
                session,
                self.actor_for(by),
                self.clock,
                CustomerCreate(name=name or f"Customer {n}", phone=phone or f"+99890{n:07d}"),
            )

    def debt(
        self,
        *,
        branch: Branch | None = None,
        customer: Customer | None = None,
        total: Decimal | int | str = 1000,
        deadline: date | int = 7,
        by: User | None = None,
        note: str | None = None,
        **fields: Any,
    ) -> Debt:
        """A debt through the service. `deadline` is a date or days from today; a deadline
        that is not in the future is recorded as if made the day before it."""
        today = self.today()
        due = today + timedelta(days=deadline) if isinstance(deadline, int) else deadline
        clock = self.clock
        if due <= today:
            back = datetime.combine(due - timedelta(days=1), time(12), tzinfo=SHOP_TZ)
            clock = FrozenClock(back)
        if branch is None and (by is None or by.is_admin):
            branch = self.branch()
        customer = customer or self.customer()
        with self.db.transaction() as session:
            return debts_service.create_debt(
                session,
                self.actor_for(by),
                clock,
                DebtCreate(
                    customer_id=customer.id,
                    total_amount=Decimal(total),
                    payment_deadline=due,
                    note=note,
                    branch_id=branch.id if branch is not None else None,
                    **fields,
                ),
                tz=SHOP_TZ,
            )

    def payment(
        self,
        debt: Debt,
        amount: Decimal | int | str,
        *,
        by: User | None = None,
        payment_type: DebtPaymentType = DebtPaymentType.CASH,
    ) -> Payment:
        with self.db.transaction() as session:
            outcome = debts_service.record_payment(
                session,
                self.actor_for(by),
                self.clock,
                debt.id,
                PaymentCreate(amount=Decimal(amount), payment_type=payment_type),
                tz=SHOP_TZ,
            )
            return outcome.payment

    # Purchasing

    def supplier(
        self, name: str | None = None, *, currency: Currency = Currency.UZS, **fields: Any
    ) -> Supplier:
        n = next(_seq)
        with self.db.transaction() as session:
            return suppliers_service.create_supplier(
                session,
                self.actor(),
                self.clock,
                SupplierCreate(name=name or f"Supplier {n}", currency=currency, **fields),
            )

    def usd_rate(self, rate: Decimal | int | str, day: date | None = None) -> CurrencyRate:
        with self.db.transaction() as session:
            return currency_service.record_rate(
                session,
                self.actor(),
                self.clock,
                CurrencyRateCreate(rate=Decimal(rate), day=day),
                self.today(),
            )

    # Catalog

    def collection(self, name: str | None = None, icon: str | None = None) -> Collection:
        with self.db.transaction() as session:
            return master.create_collection(
                session,
                self.actor(),
                self.clock,
                CollectionCreate(name=name or f"Collection {next(_seq)}", icon=icon),
            )

    def default_collection(self) -> Collection:
        if self._collection is None:
            self._collection = self.collection()
        return self._collection

    def size(self, size: str = "2×3", collection: Collection | None = None) -> Size:
        with self.db.transaction() as session:
            return master.create_size(
                session,
                self.actor(),
                self.clock,
                SizeCreate(size=size, collection_id=collection.id if collection else None),
            )

    def ensure_sizes(self, sizes: Sequence[str]) -> None:
        """Offer these sizes to every collection (those already there stay)."""
        for size in sizes:
            with contextlib.suppress(Conflict):
                self.size(size)

    def product(
        self,
        branch: Branch | None = None,
        *,
        collection: Collection | None = None,
        type: ProductType = ProductType.UNIT,
        stock: Decimal | str | int = 10,
        quantity: int | None = None,
        length: Decimal | str | int | None = None,
        sizes: Sequence[str] | None = None,
        category: Category | None = None,
        buy_price: Decimal | str | int = 100_000,
        sell_price: Decimal | str | int = 150_000,
        name: str | None = None,
        photo_thumb: str | None = None,
        by: User | None = None,
        **fields: Any,
    ) -> Product:
        """A product made through the service; its stock enters through the ledger (initial).

        `stock` is pieces or metres, whichever the type counts (`quantity` and `length` say
        the same for one type). Sizes default to 2×3 for unit products and none for rolls.
        """
        branch = branch or self.branch()
        collection = collection or self.default_collection()
        meter = type == ProductType.METER
        sizes = list(sizes) if sizes is not None else ([] if meter else ["2×3"])
        self.ensure_sizes(sizes)
        amounts: dict[str, Any] = (
            {"total_length": Decimal(str(length if length is not None else stock))}
            if meter
            else {"quantity": quantity if quantity is not None else int(Decimal(str(stock)))}
        )
        data = ProductCreate(
            name=name or f"Gilam {next(_seq)}",
            category=category or (Category.METRAJLAR if meter else Category.GILAMLAR),
            collection_id=collection.id,
            type=type,
            buy_price=Decimal(str(buy_price)),
            sell_price=Decimal(str(sell_price)),
            available_sizes=sizes,
            branch_id=branch.id,
            **amounts,
            **fields,
        )
        actor = Actor(user=by, meta=META) if by else self.actor()
        with self.db.transaction() as session:
            product = catalog_service.create_product(
                session, actor, self.clock, data, PhotoStore(self.uploads_dir, 5 * 1024 * 1024)
            )
            if photo_thumb is not None:
                # A display URL for tests of other screens; real photos go through uploads.
                product.photo_thumb = photo_thumb
            return product

    def transfer(
        self, product: Product, to: Branch, quantity: Decimal | int = 1, complete: bool = False
    ) -> Transfer:
        with self.db.transaction() as session:
            return transfers_service.start(
                session,
                self.actor(),
                self.clock,
                product.id,
                TransferCreate(
                    to_branch_id=to.id, quantity=Decimal(str(quantity)), complete=complete
                ),
                low_stock=LOW_STOCK,
            )

    def discount(
        self,
        *,
        value: Decimal | int | str,
        kind: DiscountType = DiscountType.PERCENTAGE,
        applicable_to: DiscountScope = DiscountScope.ALL,
        start: datetime | None = None,
        **fields: Any,
    ) -> Discount:
        with self.db.transaction() as session:
            return discounts_service.create_discount(
                session,
                self.actor(),
                self.clock,
                DiscountCreate(
                    name=fields.pop("name", f"Discount {next(_seq)}"),
                    discount_type=kind,
                    discount_value=Decimal(str(value)),
                    applicable_to=applicable_to,
                    start_date=start or self.clock.now(),
                    **fields,
                ),
            )

    def sale(self, seller: User, *items: tuple[Product, Any, Any], **fields: Any) -> SaleView:
        """A sale by `seller` (through the service) of (product, quantity, amount) items."""
        body = SaleCreate.model_validate(
            {
                "items": [
                    {"product_id": str(p.id), "quantity": str(q), "amount": str(a)}
                    for p, q, a in items
                ],
                "payment_type": fields.pop("payment_type", "cash"),
                **fields,
            }
        )
        with self.db.transaction() as session:
            return sales_service.create_sale(
                session,
                Actor(user=seller, meta=META),
                self.clock,
                body,
                tz=self.tz,
                low_stock=LOW_STOCK,
            )

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
                    # A product with one size sells that size, as the sales service implies.
                    size=only_size(product),
                    cut_size=None,
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


def only_size(product: Product) -> str | None:
    sizes = product.available_sizes or []
    return sizes[0] if len(sizes) == 1 and product.type == ProductType.UNIT else None


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def auth_headers(client: TestClient, user: User, password: str = PASSWORD) -> dict[str, str]:
    return bearer(login(client, user.username, password)["access_token"])


def assert_ok(response: Any, status: int = 200) -> Any:
    """The contract's success envelope, with this status; returns `data`."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is True
    assert set(body) >= {"data", "message", "timestamp"}
    assert isinstance(body["message"], str)
    assert response.headers.get("x-request-id")
    return body["data"]


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


LEFT_OUT: Any = object()


@dataclass
class TwoBranches:
    """Two branches with their people, signed in, and a collection with a few sizes."""

    client: TestClient
    factory: Factory
    branch_a: Branch
    branch_b: Branch
    headers: dict[str, dict[str, str]]
    users: dict[str, User]
    collection: Collection

    @classmethod
    def build(cls, client: TestClient, factory: Factory) -> TwoBranches:
        branch_a, branch_b = factory.branch(), factory.branch()
        users = {
            "admin": factory.admin(),
            "editor_a": factory.seller(branch=branch_a, can_add_products=True),
            "plain_a": factory.seller(branch=branch_a),
            "editor_b": factory.seller(branch=branch_b, can_add_products=True),
        }
        headers = {name: auth_headers(client, user) for name, user in users.items()}
        factory.ensure_sizes(["2×3", "3×4", "2×4"])
        return cls(
            client, factory, branch_a, branch_b, headers, users, factory.default_collection()
        )

    def product(self, branch: Branch | None = None, **fields: Any) -> Product:
        return self.factory.product(branch=branch or self.branch_a, **fields)

    def product_json(self, **fields: Any) -> dict[str, Any]:
        """A valid POST /api/products body for branch A; override any field, or leave it out
        with LEFT_OUT (a seller's body has no buy price)."""
        body: dict[str, Any] = {
            "name": "Lara bej",
            "category": "Gilamlar",
            "collection": self.collection.name,
            "type": "unit",
            "buy_price": 100000,
            "sell_price": 150000,
            "quantity": 4,
            "available_sizes": ["2×3"],
            "branch_id": str(self.branch_a.id),
        }
        body.update(fields)
        return {name: value for name, value in body.items() if value is not LEFT_OUT}

    def get(self, who: str, url: str, **params: Any) -> Any:
        return self.client.get(url, params=params, headers=self.headers[who])

    def post(self, who: str, url: str, json: Any = None) -> Any:
        return self.client.post(url, json=json, headers=self.headers[who])

    def put(self, who: str, url: str, json: Any) -> Any:
        return self.client.put(url, json=json, headers=self.headers[who])

    def delete(self, who: str, url: str) -> Any:
        return self.client.delete(url, headers=self.headers[who])


# A goods receipt written as rows, and its payable opened through
# payables/opening.open_for_receipt: the payables tests need only the rows.


def make_payable(
    factory: Factory,
    *,
    total: Decimal | int | str = 1_000_000,
    currency: Currency = Currency.UZS,
    supplier: Supplier | None = None,
    branch: Branch | None = None,
    due_date: date | None = None,
    received_on: date | None = None,
    rate: Decimal | int | str = 12_500,
    product: Product | None = None,
) -> Payable:
    """A credit goods receipt of one line costing `total` in `currency` and its payable.
    A dollar receipt's so'm total is `total` at `rate`."""
    from carpet_shop.currency.conversion import usd_to_uzs
    from carpet_shop.goods_receipts.models import (
        GoodsReceipt,
        GoodsReceiptLine,
        GoodsReceiptStatus,
    )
    from carpet_shop.numbering.repository import GOODS_RECEIPT, DocumentCounterRepository
    from carpet_shop.payables.opening import open_for_receipt

    supplier = supplier or factory.supplier()
    branch = branch or factory.branch()
    product = product or factory.product(branch=branch)
    amount, usd_rate = Decimal(total), Decimal(rate)
    amount_uzs = usd_to_uzs(amount, usd_rate) if currency == Currency.USD else amount
    received = received_on or factory.today()
    with factory.db.transaction() as session:
        now = factory.clock.now()
        receipt = GoodsReceipt(
            number=DocumentCounterRepository(session).next_number(GOODS_RECEIPT),
            purchase_order_id=None,
            supplier_id=supplier.id,
            branch_id=branch.id,
            received_on=received,
            status=GoodsReceiptStatus.COMPLETE,
            on_credit=True,
            due_date=due_date or received + timedelta(days=30),
            allow_over_receipt=False,
            rate=usd_rate if currency == Currency.USD else None,
            total_uzs=amount_uzs,
            total_usd=amount if currency == Currency.USD else None,
            note=None,
            created_by_id=factory.admin().id,
            created_at=now,
            updated_at=now,
        )
        receipt.lines.append(
            GoodsReceiptLine(
                position=1,
                purchase_order_line_id=None,
                product_id=product.id,
                size=only_size(product),
                quantity=Decimal(1),
                currency=currency,
                buy_price=amount,
                buy_price_uzs=amount_uzs,
                amount=amount,
                amount_uzs=amount_uzs,
            )
        )
        session.add(receipt)
        session.flush()
        assert receipt.due_date is not None
        payable = open_for_receipt(
            session, factory.actor(), factory.clock, receipt, receipt.due_date
        )
        assert payable is not None
        return payable
