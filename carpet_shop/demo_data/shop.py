"""The shop the generated sales happen in: made once, through the services and the ORM."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.branches.models import Branch
from carpet_shop.catalog.models import Category, Collection, Product, ProductSize, ProductType
from carpet_shop.catalog.sizes import area_price, size_price
from carpet_shop.catalog.text import format_metres, parse_size
from carpet_shop.core.clock import Clock
from carpet_shop.core.database import Database
from carpet_shop.demo import seed_foundation
from carpet_shop.inventory import ledger
from carpet_shop.inventory.models import MovementKind
from carpet_shop.sales.models import ReceiptCounter
from carpet_shop.users import service as users_service
from carpet_shop.users.models import Role, User
from carpet_shop.users.schemas import UserCreate

PRODUCTS_PER_BRANCH = 40
SELLERS_PER_BRANCH = 3
EXTRA_SELLER_PASSWORD = "seller123"
COLLECTIONS = ["Lara", "Emili", "Melord", "Mashad", "Izmir", "Isfahan", "Prestige", "Sultan"]
SIZES = ["1.5×2.25", "2×3", "2.5×3.5", "3×4", "3×5", "4×6"]
# Sizes are stock: a design comes in several sizes, priced by the square metre (rounded to
# 1,000 so'm); rolls come 2, 3 or 4 m wide and 20 to 50 m long, one design in one or two widths.
PRICE_STEP = Decimal(1000)
ROLL_WIDTHS = [2, 3, 4]
UNIT_CATEGORIES = [
    Category.GILAMLAR,
    Category.GILAMLAR,
    Category.GILAMLAR,
    Category.PALOSLAR,
    Category.JOYNAMOZLAR,
    Category.OVALNIY,
    Category.KOVRIY,
]
FIRST_NAMES = ["Aziz", "Dilnoza", "Jasur", "Malika", "Otabek", "Sevara", "Bekzod", "Nigora"]


@dataclass(frozen=True)
class Stock:
    """What the generator needs of a product, in hundredths."""

    id: str
    branch: int
    meter: bool
    standard: int
    buy: int
    # The size each sale line names (one Stock per size of a product), and for a roll the
    # width its cuts have (cut_size = width × metres).
    size: str | None = None
    width: str | None = None


@dataclass(frozen=True)
class Shop:
    branch_ids: list[str]
    codes: list[str]
    sellers: list[list[str]]
    products: list[list[Stock]]
    next_receipt: list[int]


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
        if meter:
            product, stock = _roll_design(rnd, collection, branch, n)
        else:
            product, stock = _carpet_design(rnd, collection, branch, n)
        session.add(product)
        session.flush()
        lines = [ledger.StockLine(product, amount, size) for size, amount in stock if amount > 0]
        if lines:
            ledger.put(
                session,
                clock,
                lines,
                MovementKind.INITIAL,
                ledger.Document("demo-data"),
                admin_id,
                "Demo data",
            )


def _carpet_design(
    rnd: random.Random, collection: Collection, branch: Branch, n: int
) -> tuple[Product, list[tuple[str, Decimal]]]:
    """One design in two to four neighbouring sizes, priced per m², each with its own stock."""
    first = n % (len(SIZES) - 1)
    sizes = SIZES[first : first + rnd.randrange(2, 5)]
    rate = rnd.randrange(10, 40) * 10_000  # so'm per m²
    buy_rate = rate * rnd.randrange(68, 80) // 100
    parsed = [parse_size(size) for size in sizes]
    _name, width, height = parsed[0]
    product = Product(
        name=f"{collection.name} #{n + 1}",
        category=UNIT_CATEGORIES[n % len(UNIT_CATEGORIES)],
        collection_id=collection.id,
        type=ProductType.UNIT,
        # The product's own prices are its smallest size's (what a client that knows nothing
        # of sizes shows); each size costs its area × the rates.
        buy_price=area_price(Decimal(buy_rate), width, height, PRICE_STEP),
        sell_price=area_price(Decimal(rate), width, height, PRICE_STEP),
        sell_price_per_m2=Decimal(rate),
        buy_price_per_m2=Decimal(buy_rate),
        price_step=PRICE_STEP,
        quantity=0,
        available_sizes=[name for name, _w, _h in parsed],
        branch_id=branch.id,
    )
    product.size_rows = [
        ProductSize(size=name, width=w, height=h, quantity=0) for name, w, h in parsed
    ]
    # Smaller sizes sell more and are kept in larger numbers.
    stock = [
        (name, Decimal(rnd.randrange(0, 12 - 2 * i))) for i, (name, _w, _h) in enumerate(parsed)
    ]
    return product, stock


def _roll_design(
    rnd: random.Random, collection: Collection, branch: Branch, n: int
) -> tuple[Product, list[tuple[str, Decimal]]]:
    """One design in one or two roll widths (2, 3 or 4 m), each roll partly cut."""
    widths = sorted(rnd.sample(ROLL_WIDTHS, rnd.randrange(1, 3)))
    rolls = [(f"{w}×{rnd.randrange(20, 51)}", w) for w in widths]
    per_metre = rnd.randrange(30, 80) * 1000 * widths[0]
    lengths = [parse_size(size) for size, _w in rolls]
    product = Product(
        name=f"{collection.name} metraj {n + 1}",
        category=Category.METRAJLAR,
        collection_id=collection.id,
        type=ProductType.METER,
        buy_price=Decimal(per_metre * 3 // 4),
        sell_price=Decimal(per_metre),
        sell_price_per_meter=Decimal(per_metre),
        quantity=0,
        # The product's columns are the sums of its rolls'.
        total_length=sum((length for _s, _w, length in lengths), Decimal(0)),
        remaining_length=Decimal(0),
        available_sizes=[size for size, _w in rolls],
        branch_id=branch.id,
    )
    product.size_rows = []
    stock = []
    for (size, width), (_name, _w, length) in zip(rolls, lengths, strict=True):
        # A wider roll costs more a metre: its own price, the width's share of the rate.
        own = Decimal(per_metre * width // widths[0]) if width != widths[0] else None
        product.size_rows.append(
            ProductSize(
                size=size,
                width=Decimal(width),
                height=length,
                quantity=0,
                total_length=length,
                remaining_length=Decimal(0),
                sell_price=own,
                buy_price=None if own is None else own * 3 // 4,
            )
        )
        stock.append((size, Decimal(rnd.randrange(0, int(length * 100) + 1)) / 100))
    return product, stock


def sellable(p: Product, branch: int) -> list[Stock]:
    """What a sale line can sell of a product: each of its sizes at that size's prices (the
    catalog's rules), or the product itself when it has none."""
    meter = p.type == ProductType.METER
    if not p.size_rows:
        own = p.standard_price
        return [
            Stock(_uuid_hex(p.id), branch, meter, int(own * 100), int((p.buy_price or 0) * 100))
        ]
    product_price = p.sell_price_per_meter if meter and p.sell_price_per_meter else p.sell_price
    out = []
    for row in sorted(p.size_rows, key=lambda r: (p.available_sizes or []).index(r.size)):
        args = (row.width, row.height, p.price_step)
        sell = size_price(row.sell_price, p.sell_price_per_m2, *args, product_price, meter=meter)
        buy = size_price(row.buy_price, p.buy_price_per_m2, *args, p.buy_price, meter=meter)
        out.append(
            Stock(
                _uuid_hex(p.id),
                branch,
                meter,
                int((sell or 0) * 100),
                int((buy or 0) * 100),
                row.size,
                format_metres(row.width) if meter else None,
            )
        )
    return out


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
                stock
                for p in session.scalars(
                    select(Product)
                    .where(
                        Product.branch_id == b.id,
                        Product.deleted_at.is_(None),
                        Product.buy_price.is_not(None),  # not sold until priced
                    )
                    .order_by(Product.name)
                )
                for stock in sellable(p, i)
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
