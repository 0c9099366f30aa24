"""`carpet-shop demo-data --sales N`: a large, realistic sales history, generated fast.

The shop (the demo branches and sellers, three sellers per branch, the collections, and
`--products` products in each branch that has none, 40 by default) is made through the
services and the ORM. The sales are written straight through the database driver in chunks
(executemany on SQLite, COPY on PostgreSQL): a million ORM objects would take many minutes.

What is generated, so benchmarks can say what they measured:
- `sales` receipts spread over the `days` shop days up to today: busier at weekends,
  between 09:00 and 21:00 shop time, in the three branches 45% / 35% / 20%;
- 1 item (80%), 2 (15%) or 3 (5%) per receipt, any of the branch's products alike; pieces
  of carpets, or 1–6 m cut from a roll (3 products in 10 are rolls); mostly at the
  standard price, some above it, some with a discount down to the buy price;
- one payment (cash 55%, card 30%, transfer 15%), or cash and card split (8%);
- a customer phone on 30% of receipts; 1.5% of items returned in full (approved);
- frozen figures by the issue's formulas: extra = amount − standard × quantity,
  director = (standard − buy) × quantity + min(extra, 0), products rounded half up to the
  tiyin; the rollups filled from the same rows, each chunk (sales, rollups and receipt
  counters) in one transaction, so the rollups always match what was committed.

Ids are time-ordered (UUID version 7 layout), so every index grows at its right-hand edge
instead of being written all over: that is what keeps a million inserts fast on SQLite.
History is not replayed through the stock ledger; products get their current stock as an
initial movement.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.branches.models import Branch
from carpet_shop.catalog.models import Category, Collection, Product, ProductType
from carpet_shop.core.clock import Clock, shop_midnight, shop_today
from carpet_shop.core.database import Database
from carpet_shop.demo import seed_foundation
from carpet_shop.inventory import ledger
from carpet_shop.inventory.models import MovementKind
from carpet_shop.sales.models import ReceiptCounter
from carpet_shop.users import service as users_service
from carpet_shop.users.models import Role, User
from carpet_shop.users.schemas import UserCreate

CHUNK = 50_000  # sales per transaction: fewer commits, and bounded memory
PRODUCTS_PER_BRANCH = 40
SELLERS_PER_BRANCH = 3
EXTRA_SELLER_PASSWORD = "seller123"
COLLECTIONS = ["Lara", "Emili", "Melord", "Mashad", "Izmir", "Isfahan", "Prestige", "Sultan"]
SIZES = ["1.5×2.25", "2×3", "2.5×3.5", "3×4", "3×5", "4×6"]
UNIT_CATEGORIES = [
    Category.GILAMLAR,
    Category.GILAMLAR,
    Category.GILAMLAR,
    Category.PALOSLAR,
    Category.JOYNAMOZLAR,
    Category.OVALNIY,
    Category.KOVRIY,
]
BRANCH_WEIGHTS = (45, 35, 20)
PAYMENT_WEIGHTS = (("cash", 55), ("card", 30), ("transfer", 15))
FIRST_NAMES = ["Aziz", "Dilnoza", "Jasur", "Malika", "Otabek", "Sevara", "Bekzod", "Nigora"]

SALE_COLUMNS = (
    "id",
    "receipt_number",
    "branch_id",
    "seller_id",
    "customer_name",
    "customer_phone",
    "note",
    "date",
    "created_at",
    "amount",
    "profit",
    "director_profit",
    "cost",
    "refunded_amount",
)
ITEM_COLUMNS = (
    "id",
    "sale_id",
    "position",
    "product_id",
    "quantity",
    "amount",
    "list_price",
    "standard_price",
    "buy_price",
    "discount_id",
    "discount_amount",
    "extra_profit",
    "director_profit",
    "returned_quantity",
    "refunded_amount",
)
PAYMENT_COLUMNS = ("id", "sale_id", "position", "payment_type", "amount")
SALES_DAILY = (
    ("shop_day", "branch_id", "seller_id"),
    (
        "sale_count",
        "item_count",
        "revenue",
        "refunded",
        "extra_profit",
        "director_profit",
    ),
)
PAYMENTS_DAILY = ("shop_day", "branch_id", "seller_id", "payment_type"), ("sale_count", "amount")
PRODUCT_FIGURES = (
    "branch_id",
    "item_count",
    "quantity",
    "revenue",
    "refunded",
    "extra_profit",
    "director_profit",
)
PRODUCTS_DAILY = ("shop_day", "product_id"), PRODUCT_FIGURES
PRODUCTS_MONTHLY = ("shop_month", "product_id"), PRODUCT_FIGURES


@dataclass(frozen=True)
class Stock:
    """What the generator needs of a product, in hundredths."""

    id: str
    branch: int
    meter: bool
    standard: int
    buy: int


@dataclass(frozen=True)
class Shop:
    branch_ids: list[str]
    codes: list[str]
    sellers: list[list[str]]
    products: list[list[Stock]]
    next_receipt: list[int]


@dataclass(frozen=True)
class Summary:
    sales: int
    items: int
    payments: int
    first_day: date
    last_day: date


class Writer(Protocol):
    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None: ...

    def add(
        self, table: str, key: Sequence[str], columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None: ...

    def set_counters(self, rows: list[tuple[str, int]]) -> None: ...

    def timestamp(self, instant: datetime) -> str: ...

    def commit(self) -> None: ...


# Table and column names below are this module's constants; values are always bound.


def _counters_sql(mark: str) -> str:
    insert = f"INSERT INTO receipt_counters (branch_id, last_number) VALUES ({mark}, {mark})"  # noqa: S608
    return f"{insert} ON CONFLICT (branch_id) DO UPDATE SET last_number = excluded.last_number"


def _upsert_sql(table: str, key: Sequence[str], columns: Sequence[str], mark: str) -> str:
    # Columns after the key are added to an existing row, except a product's branch.
    names = [*key, *columns]
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns if c != "branch_id")
    marks = ", ".join([mark] * len(names))
    insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
    return f"{insert} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"


class SqliteWriter:
    def __init__(self, connection: Any):
        self.connection = connection
        self.cursor = connection.cursor()
        # A bulk load: a large page cache, and no fsync per commit (a crash loses the load).
        self.cursor.execute("PRAGMA cache_size=-262144")
        self.cursor.execute("PRAGMA synchronous=OFF")
        self.cursor.execute("BEGIN IMMEDIATE")

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(columns))
        self.cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            rows,
        )

    def add(
        self, table: str, key: Sequence[str], columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        self.cursor.executemany(_upsert_sql(table, key, columns, "?"), rows)

    def set_counters(self, rows: list[tuple[str, int]]) -> None:
        self.cursor.executemany(_counters_sql("?"), rows)

    def timestamp(self, instant: datetime) -> str:
        return instant.strftime("%Y-%m-%d %H:%M:%S.%f")

    def commit(self) -> None:
        self.cursor.execute("COMMIT")
        self.cursor.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        self.cursor.execute("COMMIT")
        self.cursor.execute("PRAGMA synchronous=NORMAL")
        self.cursor.close()


class PostgresWriter:
    def __init__(self, connection: Any):
        self.connection = connection

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def add(
        self, table: str, key: Sequence[str], columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(_upsert_sql(table, key, columns, "%s"), rows)

    def set_counters(self, rows: list[tuple[str, int]]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(_counters_sql("%s"), rows)

    def timestamp(self, instant: datetime) -> str:
        return instant.strftime("%Y-%m-%d %H:%M:%S.%f+00")

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.commit()


def _uuid_hex(value: Any) -> str:
    return str(value.hex)


def _ensure_sellers(session: Session, clock: Clock, policy: AuthPolicy, admin: Any) -> None:
    branches = session.scalars(
        select(Branch).where(Branch.deleted_at.is_(None)).order_by(Branch.name)
    ).all()
    for branch in branches:
        count = session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.branch_id == branch.id, User.deleted_at.is_(None))
        )
        for n in range(int(count or 0), SELLERS_PER_BRANCH):
            username = f"{branch.code.lower()}_seller{n + 1}"
            if users_service.find_for_login(session, username) is not None:
                continue
            users_service.create_user(
                session,
                admin,
                clock,
                policy.hasher,
                UserCreate(
                    username=username,
                    password=EXTRA_SELLER_PASSWORD,
                    full_name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} ({branch.code})",
                    role=Role.SELLER,
                    branch_id=branch.id,
                ),
            )


def _ensure_collections(session: Session) -> list[Collection]:
    existing = {c.name: c for c in session.scalars(select(Collection)).all()}
    for name in COLLECTIONS:
        if name not in existing:
            existing[name] = Collection(name=name)
            session.add(existing[name])
    session.flush()
    return [existing[name] for name in COLLECTIONS]


def _ensure_products(
    session: Session, clock: Clock, rnd: random.Random, branch: Branch, admin_id: Any, count: int
) -> None:
    live = session.scalar(
        select(func.count())
        .select_from(Product)
        .where(Product.branch_id == branch.id, Product.deleted_at.is_(None))
    )
    if live:
        return
    collections = _ensure_collections(session)
    for n in range(count):
        collection = collections[n % len(collections)]
        meter = n % 10 >= 7  # 3 rolls in 10
        size = SIZES[n % len(SIZES)]
        if meter:
            per_metre = rnd.randrange(90, 250) * 1000
            product = Product(
                name=f"{collection.name} metraj {n + 1}",
                category=Category.METRAJLAR,
                collection_id=collection.id,
                type=ProductType.METER,
                buy_price=Decimal(per_metre * 3 // 4),
                sell_price=Decimal(per_metre),
                sell_price_per_meter=Decimal(per_metre),
                quantity=0,
                total_length=Decimal(0),
                remaining_length=Decimal(0),
                available_sizes=[],
                branch_id=branch.id,
            )
            stock = Decimal(rnd.randrange(0, 6000)) / 100
        else:
            price = rnd.randrange(8, 60) * 100_000
            product = Product(
                name=f"{collection.name} {size} #{n + 1}",
                category=UNIT_CATEGORIES[n % len(UNIT_CATEGORIES)],
                collection_id=collection.id,
                type=ProductType.UNIT,
                buy_price=Decimal(price * rnd.randrange(68, 80) // 100),
                sell_price=Decimal(price),
                quantity=0,
                available_sizes=[size],
                branch_id=branch.id,
            )
            stock = Decimal(rnd.randrange(0, 26))
        session.add(product)
        session.flush()
        if stock > 0:
            ledger.put(
                session,
                clock,
                [ledger.StockLine(product, stock)],
                MovementKind.INITIAL,
                ledger.Document("demo-data"),
                admin_id,
                "Demo data",
            )


def prepare_shop(
    database: Database,
    clock: Clock,
    policy: AuthPolicy,
    seed: int,
    products_per_branch: int = PRODUCTS_PER_BRANCH,
) -> Shop:
    """Branches, sellers and products, made once (idempotent), and what the sales need."""
    rnd = random.Random(seed)  # noqa: S311 (demo data, reproducible)
    with database.transaction() as session:
        foundation = seed_foundation(session, clock, policy)
        _ensure_sellers(session, clock, policy, foundation.admin)
        branches = sorted(foundation.branches.values(), key=lambda b: b.name)[:3]
        for branch in branches:
            _ensure_products(session, clock, rnd, branch, foundation.admin.id, products_per_branch)
        sellers = [
            [
                _uuid_hex(u.id)
                for u in session.scalars(
                    select(User)
                    .where(User.branch_id == b.id, User.deleted_at.is_(None))
                    .order_by(User.username)
                )
            ]
            for b in branches
        ]
        products = [
            [
                Stock(
                    _uuid_hex(p.id),
                    i,
                    p.type == ProductType.METER,
                    int(p.standard_price * 100),
                    int(p.buy_price * 100),
                )
                for p in session.scalars(
                    select(Product)
                    .where(Product.branch_id == b.id, Product.deleted_at.is_(None))
                    .order_by(Product.name)
                )
            ]
            for i, b in enumerate(branches)
        ]
        counters = []
        for b in branches:
            counter = session.get(ReceiptCounter, b.id)
            counters.append(counter.last_number + 1 if counter else 1)
        return Shop(
            [_uuid_hex(b.id) for b in branches],
            [b.code for b in branches],
            sellers,
            products,
            counters,
        )


def _day_counts(total: int, days: list[date], rnd: random.Random) -> list[int]:
    """Sales per day: weekends busier, a little noise, adding up to `total` exactly."""
    weights = [(1.35 if d.weekday() >= 5 else 1.0) * rnd.uniform(0.85, 1.15) for d in days]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rnd.sample(range(len(days)), total - sum(counts)):
        counts[i] += 1
    return counts


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both positive), in whole units."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass
class _Rollups:
    sales: dict[tuple[Any, ...], list[int]]
    payments: dict[tuple[Any, ...], list[int]]
    products: dict[tuple[Any, ...], list[Any]]

    @classmethod
    def empty(cls) -> _Rollups:
        return cls({}, {}, {})

    def write(self, writer: Writer) -> None:
        writer.add(
            "analytics_sales_daily",
            *SALES_DAILY,
            [(*k, *v) for k, v in self.sales.items()],
        )
        writer.add(
            "analytics_payments_daily",
            *PAYMENTS_DAILY,
            [(*k, *v) for k, v in self.payments.items()],
        )
        writer.add(
            "analytics_products_daily",
            *PRODUCTS_DAILY,
            [(*k, *v) for k, v in self.products.items()],
        )
        monthly: dict[tuple[str, str], list[Any]] = {}
        for (day, product_id), (branch_id, *figures) in self.products.items():
            row = monthly.setdefault((day[:8] + "01", product_id), [branch_id, 0, 0, 0, 0, 0, 0])
            for i, value in enumerate(figures, start=1):
                row[i] += value
        writer.add(
            "analytics_products_monthly",
            *PRODUCTS_MONTHLY,
            [(*k, *v) for k, v in monthly.items()],
        )


def _cumulative(weights: Sequence[int]) -> list[int]:
    out, total = [], 0
    for w in weights:
        total += w
        out.append(total)
    return out


@dataclass(frozen=True)
class ChunkSpec:
    """Consecutive shop days of sales, generated on their own (in a worker process)."""

    index: int
    seed: int
    shop: Shop
    days: list[date]
    # Sales per day and branch, and each branch's first receipt number in this chunk.
    counts: list[list[int]]
    first_receipt: list[int]
    timezone: str
    postgres: bool


@dataclass
class ChunkRows:
    sales: list[tuple[Any, ...]]
    items: list[tuple[Any, ...]]
    payments: list[tuple[Any, ...]]
    rollups: _Rollups
    last_receipt: list[int]


def generate_chunk(spec: ChunkSpec) -> ChunkRows:
    """The rows of one chunk: plain tuples in the database's own formats, rollups included."""
    rnd = random.Random(spec.seed * 1_000_003 + spec.index)  # noqa: S311 (demo data)
    rand, randrange = rnd.random, rnd.randrange
    tz = ZoneInfo(spec.timezone)
    shop = spec.shop
    suffix = "+00" if spec.postgres else ""
    pay_types = [t for t, _ in PAYMENT_WEIGHTS]
    pay_cum = _cumulative([w for _, w in PAYMENT_WEIGHTS])
    phone_rnd = random.Random(spec.seed)  # noqa: S311 (the same customers in every chunk)
    phones = [f"+99890{n:07d}" for n in phone_rnd.sample(range(10**7), 2000)]
    receipt = list(spec.first_receipt)
    rows = ChunkRows([], [], [], _Rollups.empty(), receipt)
    sales, items, payments = rows.sales, rows.items, rows.payments
    r_sales, r_payments, r_products = (
        rows.rollups.sales,
        rows.rollups.payments,
        rows.rollups.products,
    )
    # UUIDv7 layout: milliseconds, version, variant, then a counter unique to this chunk.
    id_base = (0x7 << 76) | (0b10 << 62) | (spec.index << 40)
    counter = 0

    for day, per_branch in zip(spec.days, spec.counts, strict=True):
        day_text = day.isoformat()
        opens = shop_midnight(day, tz) + timedelta(hours=9)
        branches = [b for b, n in enumerate(per_branch) for _ in range(n)]
        rnd.shuffle(branches)
        offsets = sorted(randrange(12 * 3600 * 1000) for _ in branches)
        for b, offset_ms in zip(branches, offsets, strict=True):
            when = opens + timedelta(milliseconds=offset_ms)
            millis = int(when.timestamp() * 1000) << 80
            stamp = when.isoformat(sep=" ", timespec="microseconds")[:26] + suffix
            branch_id = shop.branch_ids[b]
            sellers = shop.sellers[b]
            seller_id = sellers[int(rand() * len(sellers))]
            counter += 1
            sale_id = f"{millis | id_base | counter:032x}"
            r = rand()
            n_items = 1 if r < 0.80 else (2 if r < 0.95 else 3)
            stock = shop.products[b]
            chosen = (
                [stock[int(rand() * len(stock))]] if n_items == 1 else rnd.sample(stock, n_items)
            )
            total = extra_total = director_total = cost_total = refunded_total = 0
            sale_row = r_sales.get((day_text, branch_id, seller_id))
            if sale_row is None:
                sale_row = r_sales[(day_text, branch_id, seller_id)] = [0, 0, 0, 0, 0, 0]
            sale_row[0] += 1
            for position, product in enumerate(chosen):
                if product.meter:
                    quantity = 100 + 5 * int(rand() * 101)  # 1.00 to 6.00 m, in cm
                    standard = _half_up(product.standard * quantity, 100)
                    cost = _half_up(product.buy * quantity, 100)
                else:
                    quantity = 100 if rand() < 0.9 else 200
                    standard = product.standard * quantity // 100
                    cost = product.buy * quantity // 100
                r = rand()
                if r < 0.80:
                    amount = standard
                elif r < 0.95:
                    # Up to 10% above the standard price, in whole 1,000 so'm.
                    amount = standard + standard * randrange(1, 11) // 100 // 100_000 * 100_000
                else:  # a discount, never below the buy price
                    amount = max(cost, standard - standard * randrange(1, 8) // 100)
                extra = amount - standard
                director = (standard - cost) + min(extra, 0)
                if rand() < 0.015:  # returned in full and refunded
                    returned, refunded, kept_extra, kept_director = quantity, amount, 0, 0
                else:
                    returned, refunded, kept_extra, kept_director = 0, 0, extra, director
                counter += 1
                items.append(
                    (
                        f"{millis | id_base | counter:032x}",
                        sale_id,
                        position,
                        product.id,
                        quantity,
                        amount,
                        product.standard,
                        product.standard,
                        product.buy,
                        None,
                        0,
                        extra,
                        director,
                        returned,
                        refunded,
                    )
                )
                total += amount
                extra_total += extra
                director_total += director
                cost_total += cost
                refunded_total += refunded
                product_row = r_products.get((day_text, product.id))
                if product_row is None:
                    product_row = r_products[(day_text, product.id)] = [branch_id, 0, 0, 0, 0, 0, 0]
                product_row[1] += 1
                product_row[2] += quantity - returned
                product_row[3] += amount
                product_row[4] += refunded
                product_row[5] += kept_extra
                product_row[6] += kept_director
                sale_row[1] += 1
                sale_row[2] += amount
                sale_row[3] += refunded
                sale_row[4] += kept_extra
                sale_row[5] += kept_director
            if rand() < 0.08 and total >= 200:
                cash = total // 200 * 100
                paid = [("cash", cash), ("card", total - cash)]
            else:
                paid = [(pay_types[bisect.bisect_right(pay_cum, rand() * pay_cum[-1])], total)]
            for position, (pay_type, amount) in enumerate(paid):
                counter += 1
                payments.append(
                    (f"{millis | id_base | counter:032x}", sale_id, position, pay_type, amount)
                )
                pay_row = r_payments.get((day_text, branch_id, seller_id, pay_type))
                if pay_row is None:
                    pay_row = r_payments[(day_text, branch_id, seller_id, pay_type)] = [0, 0]
                pay_row[0] += 1
                pay_row[1] += amount
            phone = phones[int(rand() * len(phones))] if rand() < 0.3 else None
            sales.append(
                (
                    sale_id,
                    f"{shop.codes[b]}-{receipt[b]:06d}",
                    branch_id,
                    seller_id,
                    FIRST_NAMES[int(rand() * len(FIRST_NAMES))] if phone else None,
                    phone,
                    None,
                    stamp,
                    stamp,
                    total,
                    extra_total,
                    director_total,
                    cost_total,
                    refunded_total,
                )
            )
            receipt[b] += 1
    return rows


def _plan(
    shop: Shop, days: list[date], total: int, rnd: random.Random, spec: dict[str, Any]
) -> list[ChunkSpec]:
    """Sales per day and branch, cut into chunks of about CHUNK sales (whole days each)."""
    branch_cum = _cumulative(BRANCH_WEIGHTS[: len(shop.branch_ids)])
    chunks: list[ChunkSpec] = []
    receipt = list(shop.next_receipt)
    current_days: list[date] = []
    current_counts: list[list[int]] = []
    first = list(receipt)
    for day, count in zip(days, _day_counts(total, days, rnd), strict=True):
        per_branch = [0] * len(shop.branch_ids)
        for _ in range(count):
            per_branch[bisect.bisect_right(branch_cum, rnd.random() * branch_cum[-1])] += 1
        current_days.append(day)
        current_counts.append(per_branch)
        for b, n in enumerate(per_branch):
            receipt[b] += n
        if sum(map(sum, current_counts)) >= CHUNK or day == days[-1]:
            chunks.append(
                ChunkSpec(
                    index=len(chunks),
                    shop=shop,
                    days=current_days,
                    counts=current_counts,
                    first_receipt=first,
                    **spec,
                )
            )
            current_days, current_counts, first = [], [], list(receipt)
    return chunks


def _write(writer: Writer, shop: Shop, rows: ChunkRows) -> None:
    """One chunk in one transaction: its sales, items, payments, rollups and counters."""
    writer.insert("sales", SALE_COLUMNS, rows.sales)
    writer.insert("sale_items", ITEM_COLUMNS, rows.items)
    writer.insert("sale_payments", PAYMENT_COLUMNS, rows.payments)
    rows.rollups.write(writer)
    # The sales service numbers its receipts on from here, gapless.
    writer.set_counters([(b, rows.last_receipt[i] - 1) for i, b in enumerate(shop.branch_ids)])
    writer.commit()


def generate(
    database: Database,
    clock: Clock,
    policy: AuthPolicy,
    tz: ZoneInfo,
    *,
    sales: int,
    days: int = 365,
    seed: int = 7,
    products_per_branch: int = PRODUCTS_PER_BRANCH,
    on_progress: Callable[[int], None] = lambda n: None,
) -> Summary:
    """Add `sales` receipts over the `days` shop days ending today (see the module's notes)."""
    if sales < 0 or days < 1:
        raise ValueError("sales must be >= 0 and days >= 1")
    shop = prepare_shop(database, clock, policy, seed, products_per_branch)
    rnd = random.Random(seed * 7919 + sales)  # noqa: S311 (demo data, reproducible)
    today = shop_today(clock, tz)
    calendar = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    postgres = database.dialect == "postgresql"
    plan = _plan(
        shop, calendar, sales, rnd, {"seed": seed, "timezone": tz.key, "postgres": postgres}
    )
    items = payments = 0
    raw = database.engine.raw_connection()
    try:
        driver = raw.driver_connection
        writer: SqliteWriter | PostgresWriter = (
            PostgresWriter(driver) if postgres else SqliteWriter(driver)
        )
        try:
            # One process: generating in a second one made the writes slower than it saved.
            for rows in map(generate_chunk, plan):
                _write(writer, shop, rows)
                items += len(rows.items)
                payments += len(rows.payments)
                on_progress(len(rows.sales))
        finally:
            writer.close()
    finally:
        raw.close()
    return Summary(sales, items, payments, calendar[0], calendar[-1])
