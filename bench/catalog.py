"""How fast the phone's catalog screens answer with a big catalog. Not a test: it reports.

    .venv/bin/python bench/catalog.py --products 5000
    .venv/bin/python bench/catalog.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Builds a fresh database (a temporary SQLite file unless a URL is given; that database must be
empty), fills it through the services, then times each request as a seller of one branch
would make it, in process, over the ASGI interface (no network).
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from carpet_shop.catalog import demo as catalog_demo
from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.models import Category, ProductSize, ProductType
from carpet_shop.catalog.schemas import ProductCreate
from carpet_shop.core import migrations
from carpet_shop.core.clock import SystemClock
from carpet_shop.core.config import Settings
from carpet_shop.core.database import Database
from carpet_shop.demo import seed_foundation
from carpet_shop.main import create_app

SECRET = "bench-secret-key-that-is-long-enough-0123456789abcdef"
REQUESTS = {
    "list, first page": ("/api/products", {}),
    "list, filtered + sorted": (
        "/api/products",
        {"category": "Gilamlar", "in_stock": "true", "sort": "-price"},
    ),
    "list, q with o‘": ("/api/products", {"q": "qo'qon"}),
    "facets: categories": ("/api/catalog/facets", {}),
    "facets: collections": ("/api/catalog/facets", {"category": "Gilamlar"}),
    "facets: widths": ("/api/catalog/facets", {"category": "Gilamlar", "collection": "Lara"}),
    "facets: heights": (
        "/api/catalog/facets",
        {"category": "Gilamlar", "collection": "Lara", "width": "2"},
    ),
    # The phone's drill-down below a width, across categories: the 100,000-size target.
    "drill-down: heights of width 3": ("/api/catalog/facets", {"width": "3"}),
    "autocomplete": ("/api/products/autocomplete", {"q": "lara"}),
    "low stock": ("/api/inventory/low-stock", {}),
}


def fill(database: Database, products: int) -> None:
    clock = SystemClock()
    settings = Settings(_env_file=None, environment="test", secret_key=SECRET)  # type: ignore[call-arg]
    from carpet_shop.auth.policy import AuthPolicy

    rng = random.Random(7)
    with database.transaction() as session:
        shop = seed_foundation(session, clock, AuthPolicy.from_settings(settings))
        catalog_demo.seed_catalog(session, clock, shop.admin, shop.branches)
        branches = list(shop.branches.values())
        names = ["Lara", "Emili", "Melord", "Mashad", "Izmir", "Isfahan", "Prestige", "Sultan"]
        words = ["bej", "qizil", "Qo‘qon", "klassik", "naqshli", "ipak", "oq", "yashil"]
        for n in range(products):
            kind = ProductType.METER if n % 7 == 0 else ProductType.UNIT
            sizes = rng.sample(catalog_demo.SIZES, rng.randint(1, 3))
            stock = {"quantity": rng.randint(0, 9)} if kind == ProductType.UNIT else {}
            if kind == ProductType.METER:
                stock = {"total_length": Decimal(rng.randint(0, 800)) / 4}
            catalog_service.create_product(
                session,
                shop.admin,
                clock,
                ProductCreate(
                    name=f"{rng.choice(names)} {rng.choice(words)} {n}",
                    category=Category.METRAJLAR
                    if kind == ProductType.METER
                    else rng.choice(
                        [Category.GILAMLAR, Category.PALOSLAR, Category.OVALNIY, Category.KOVRIY]
                    ),
                    collection=rng.choice(names),
                    type=kind,
                    buy_price=Decimal(rng.randint(100, 3000) * 1000),
                    sell_price=Decimal(rng.randint(3001, 5000) * 1000),
                    available_sizes=sizes,
                    branch_id=rng.choice(branches).id,
                    **stock,
                ),
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrations.upgrade(url)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            environment="test",
            database_url=url,
            secret_key=SECRET,
            uploads_dir=str(Path(tmp) / "uploads"),
        )
        database = Database.from_settings(settings)
        started = time.perf_counter()
        fill(database, args.products)
        with database.transaction() as session:
            sizes = session.scalar(select(func.count()).select_from(ProductSize))
        print(
            f"{args.products} products ({sizes} product sizes) made in "
            f"{time.perf_counter() - started:.1f}s on {url}"
        )
        with TestClient(create_app(settings=settings, database=database)) as client:
            login = client.post(
                "/api/auth/login", json={"username": "seller1", "password": "seller123"}
            )
            headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
            # Each request's access line would bury the table.
            logging.getLogger("carpet_shop").setLevel(logging.WARNING)
            heading = f"{'first':>8} {'median':>8} {'p95':>8}"
            print(f"{'request (seller of one branch)':34} {heading}  rows")
            for label, (path, params) in REQUESTS.items():
                times = []
                for _ in range(args.repeat):
                    begin = time.perf_counter()
                    response = client.get(path, params=params, headers=headers)
                    times.append((time.perf_counter() - begin) * 1000)
                    assert response.status_code == 200, response.text
                body = response.json()
                data = body["data"]
                rows = data["items"] if isinstance(data, dict) else data
                total = body.get("meta", {}).get("total", len(rows))
                p95 = statistics.quantiles(times, n=20)[-1]
                # The first read of a screen goes to the database; the repeats are kept reads
                # (core.read_cache) until the next commit, as between two sales in a shop.
                print(
                    f"{label:34} {times[0]:6.1f}ms {statistics.median(times):6.1f}ms "
                    f"{p95:6.1f}ms  {total}"
                )
        database.dispose()


if __name__ == "__main__":
    main()
