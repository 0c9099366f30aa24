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
from carpet_shop.catalog.text import parse_size
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
    # The size each sale line names: a unit product's one size; rolls here have none.
    size: str | None = None


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
        if not meter:
            _size, width, height = parse_size(size)
            product.size_rows = [ProductSize(size=_size, width=width, height=height, quantity=0)]
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
                    int((p.buy_price or 0) * 100),
                    p.available_sizes[0] if len(p.available_sizes or []) == 1 else None,
                )
                for p in session.scalars(
                    select(Product)
                    .where(
                        Product.branch_id == b.id,
                        Product.deleted_at.is_(None),
                        Product.buy_price.is_not(None),  # not sold until priced
                    )
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
