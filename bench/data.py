"""The benchmark's database: demo data, plus what the load needs (stock, sixteen sellers)."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from carpet_shop.catalog.models import Product, ProductType
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import SystemClock
from carpet_shop.core.database import Database, make_engine
from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.core.security import PasswordHasher
from carpet_shop.demo_data.shop import sellable
from carpet_shop.inventory import ledger
from carpet_shop.inventory.models import MovementKind
from carpet_shop.users import service as users_service
from carpet_shop.users.models import Role, User
from carpet_shop.users.schemas import UserCreate

BENCH_SELLERS = 16
BENCH_PASSWORD = "bench-seller-123"
STOCK = Decimal("1000000")
BIN = Path(sys.executable).parent


def generate(url: str, sales: int, products: int) -> None:
    """Migrate and fill a fresh database through the `carpet-shop` command, as a user would."""
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([BIN / "carpet-shop", "migrate"], env=env, check=True)
    subprocess.run(
        [BIN / "carpet-shop", "demo-data", "--sales", str(sales), "--products", str(products)],
        env=env,
        check=True,
    )


def prepare_load(url: str) -> None:
    """Stock for the sales the load makes, and sixteen sellers to make them (their passwords
    hashed with light Argon2 parameters, so signing them in does not dominate the setup)."""
    database = Database(make_engine(url))
    clock = SystemClock()
    meta = RequestMeta(ip_address=None, user_agent="bench")
    try:
        with database.transaction() as session:
            admin = session.scalars(select(User).where(User.username == "admin")).one()
            actor = Actor(user=admin, meta=meta)
            for product in session.scalars(select(Product).where(Product.deleted_at.is_(None))):
                # Sizes are stock: every size of a product gets it.
                sizes: list[str | None] = [*(product.available_sizes or [])] or [None]
                for size in sizes:
                    ledger.set_level(
                        session,
                        clock,
                        product,
                        STOCK,
                        MovementKind.ADJUSTMENT,
                        ledger.Document("bench"),
                        admin.id,
                        "Benchmark stock",
                        size=size,
                    )
            sellers = session.scalars(
                select(User).where(User.role == Role.SELLER).order_by(User.username)
            ).all()
            branches = sorted({s.branch_id for s in sellers if s.branch_id}, key=str)
            hasher = PasswordHasher(fast=True)
            for n in range(BENCH_SELLERS):
                username = f"bench_seller_{n + 1:02d}"
                if users_service.find_for_login(session, username) is None:
                    users_service.create_user(
                        session,
                        actor,
                        clock,
                        hasher,
                        UserCreate(
                            username=username,
                            password=BENCH_PASSWORD,
                            full_name=f"Bench seller {n + 1}",
                            role=Role.SELLER,
                            branch_id=branches[n % len(branches)],
                        ),
                    )
    finally:
        database.dispose()


def seller_products(url: str) -> dict[str, list[tuple[str, str, str | None]]]:
    """Per bench seller: the unit products of their branch, each size with its price. Only
    products the director has priced: a kept database also holds the sellers' products made
    by the photo scenario, which wait for their cost and cannot be sold."""
    database = Database(make_engine(url))
    try:
        with database.transaction(write=False) as session:
            out: dict[str, list[tuple[str, str, str | None]]] = {}
            for n in range(BENCH_SELLERS):
                username = f"bench_seller_{n + 1:02d}"
                user = session.scalars(select(User).where(User.username == username)).one()
                products = session.scalars(
                    select(Product)
                    .where(
                        Product.branch_id == user.branch_id,
                        Product.type == ProductType.UNIT,
                        Product.deleted_at.is_(None),
                        Product.buy_price.is_not(None),
                    )
                    .order_by(Product.name)
                ).all()
                out[username] = [
                    (str(p.id), str(Decimal(stock.standard) / 100), stock.size)
                    for p in products
                    for stock in sellable(p, 0)
                ]
            return out
    finally:
        database.dispose()
