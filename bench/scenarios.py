"""What the benchmark measures: one small declarative entry per scenario.

Each names the request (method, path, query, a body factory and whose token), how many
connections drive it, and its target. A scenario whose route answers 404 or 405 in this
build is skipped with a message, so the harness runs before every domain has landed.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Context:
    """What the bodies and tokens are made from (see bench.data)."""

    admin_token: str
    seller_token: str
    # One signed-in seller per sale-creating connection: (token, [(product_id, price)]).
    sellers: list[tuple[str, list[tuple[str, str, str | None]]]]
    today: Any


@dataclass(frozen=True)
class Result:
    rps: float
    p50: float
    p95: float
    p99: float
    statuses: dict[str, int]


# (result, bare result) → (passed, what was asked)
Check = Callable[[Result, Result], tuple[bool, str]]
# A mixed scenario's results, by part name → (passed, what was asked)
MixCheck = Callable[[dict[str, Result]], tuple[bool, str]]


def failures(result: Result) -> dict[str, int]:
    """Answers that were not 2xx, by status."""
    return {k: v for k, v in result.statuses.items() if not k.startswith("2")}


def at_least(share: float, p99_ms: float | None = None) -> Check:
    def check(result: Result, bare: Result) -> tuple[bool, str]:
        ok = result.rps >= share * bare.rps and (p99_ms is None or result.p99 <= p99_ms)
        wanted = f">= {share:.0%} of bare" + (f", p99 <= {p99_ms:g} ms" if p99_ms else "")
        return ok, wanted

    return check


def p50_at_most(ms: float) -> Check:
    def check(result: Result, bare: Result) -> tuple[bool, str]:
        return result.p50 <= ms, f"p50 <= {ms:g} ms"

    return check


def part_first(part: str, p99_ms: float) -> MixCheck:
    """The named part's p99 under the mixed load, and no request of any part failing."""

    def check(results: dict[str, Result]) -> tuple[bool, str]:
        ok = results[part].p99 <= p99_ms and not any(failures(r) for r in results.values())
        return ok, f"{part}: p99 <= {p99_ms:g} ms, no request failing"

    return check


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    params: Callable[[Context], dict[str, Any]] = lambda ctx: {}
    # (context, connection number, request number) → JSON body
    body: Callable[[Context, int, int], dict[str, Any]] | None = None
    # "admin", "seller", "sellers" (each connection its own seller) or None
    token: str | None = "seller"
    concurrency: int = 8
    check: Check | None = None
    server: str = "shop"
    # Distinct requests prepared per connection (bodies differ; GETs need one).
    variants: int = 1
    # Pages scrolled: request n asks for page n % scroll + 1 (0: the params as they are).
    scroll: int = 0
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # A mixed scenario: these parts run at once, each with its own connections, and each is
    # reported on its own line; `mix_check` judges them together.
    parts: tuple[Scenario, ...] = ()
    mix_check: MixCheck | None = None


def _sale_body(ctx: Context, connection: int, n: int) -> dict[str, Any]:
    """One piece of one of the seller's branch's products, at its price (a JSON number)."""
    _, products = ctx.sellers[connection % len(ctx.sellers)]
    product_id, price, size = products[n % len(products)]
    amount = Decimal(price)
    number = int(amount) if amount == amount.to_integral_value() else float(amount)
    body = {"product_id": product_id, "quantity": 1, "amount": number, "payment_type": "cash"}
    # Sizes are stock: a product with several names the size sold.
    return body if size is None else body | {"size": size}


def _month(ctx: Context) -> dict[str, Any]:
    return {"period": "month"}


def _last_31_days(ctx: Context) -> dict[str, Any]:
    return {
        "date_from": (ctx.today - timedelta(days=30)).isoformat(),
        "date_to": ctx.today.isoformat(),
    }


def _photo_jpeg() -> str:
    """A phone-camera-sized photo as base64 JPEG: noise, so decoding it is real work."""
    from PIL import Image

    image = Image.effect_noise((1600, 1200), 64).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return base64.b64encode(out.getvalue()).decode()


@functools.cache
def _photo() -> str:
    return _photo_jpeg()


def _product_with_photo(ctx: Context, connection: int, n: int) -> dict[str, Any]:
    """A seller (may add products) adds a carpet with a base64 photo, as the app does; the
    cost is the director's to set, so a seller sends none."""
    return {
        "name": f"Bench photo carpet {connection}-{n}",
        "category": "Gilamlar",
        # One of the generated shop's collections (carpet_shop/demo_data/shop.py).
        "collection": "Lara",
        "sell_price": 150000,
        "quantity": 1,
        "photo": _photo(),
    }


def _login_body(ctx: Context, connection: int, n: int) -> dict[str, Any]:
    return {"username": "seller1", "password": "seller123"}


_SALES = Scenario(
    "sales, 16 sellers",
    "POST",
    "/api/sales",
    body=_sale_body,
    token="sellers",
    concurrency=16,
    variants=400,
)

SCENARIOS = [
    Scenario("bare FastAPI endpoint", "GET", "/bare", token=None, server="bare"),
    Scenario(
        "product list, page of 50, filtered (seller)",
        "GET",
        "/api/products",
        params=lambda ctx: {"category": "Gilamlar", "in_stock": "true", "page_size": 50},
        check=at_least(0.15),
    ),
    Scenario(
        "catalog facets (seller)",
        "GET",
        "/api/catalog/facets",
        params=lambda ctx: {"category": "Gilamlar"},
    ),
    Scenario(
        # Sizes are stock: the heights of one width, counted by each size's own stock.
        "drill-down, heights of width 3 (seller)",
        "GET",
        "/api/catalog/facets",
        params=lambda ctx: {"width": 3},
        check=p50_at_most(20),
    ),
    Scenario(
        "sale of one item, 16 sellers at once",
        "POST",
        "/api/sales",
        body=_sale_body,
        token="sellers",
        concurrency=16,
        variants=400,
        check=at_least(0.06, p99_ms=250),
    ),
    Scenario(
        "sales analytics, this month (admin, 1 client)",
        "GET",
        "/api/sales/analytics",
        params=_month,
        token="admin",
        concurrency=1,
        check=p50_at_most(50),
    ),
    Scenario(
        "sales analytics, this month (admin, 4 clients)",
        "GET",
        "/api/sales/analytics",
        params=_month,
        token="admin",
        concurrency=4,
    ),
    Scenario(
        "sales analytics, last 31 days (admin, 1 client)",
        "GET",
        "/api/sales/analytics",
        params=_last_31_days,
        token="admin",
        concurrency=1,
    ),
    Scenario(
        "sales analytics, this month (seller's branch)",
        "GET",
        "/api/sales/analytics",
        params=_month,
        token="seller",
        concurrency=1,
    ),
    Scenario(
        "director's profit by week, this month (admin)",
        "GET",
        "/api/sales/profit",
        params=lambda ctx: {"period": "month", "group_by": "week"},
        token="admin",
        concurrency=1,
    ),
    Scenario("dashboard widgets (seller)", "GET", "/api/dashboard/widgets", concurrency=1),
    Scenario(
        "mixed: 16 sellers, 16 scrolling lists, 4 refreshing analytics",
        "",
        "",
        concurrency=36,
        parts=(
            _SALES,
            Scenario(
                "product lists, scrolled (8 sellers)",
                "GET",
                "/api/products",
                params=lambda ctx: {"page_size": 20},
                scroll=10,
                variants=10,
                concurrency=8,
            ),
            Scenario(
                "sales lists, scrolled (8 clients, admin)",
                "GET",
                "/api/sales",
                params=lambda ctx: {"page_size": 20},
                token="admin",
                scroll=10,
                variants=10,
                concurrency=8,
            ),
            Scenario(
                "analytics this month (4 clients, admin)",
                "GET",
                "/api/sales/analytics",
                params=_month,
                token="admin",
                concurrency=4,
            ),
        ),
        mix_check=part_first("sales, 16 sellers", 250),
    ),
    Scenario(
        "slow work: 16 sellers, 2 signing in, 2 adding photos",
        "",
        "",
        concurrency=20,
        parts=(
            _SALES,
            Scenario(
                "sign-ins (2 clients, Argon2)",
                "POST",
                "/api/auth/login",
                body=_login_body,
                token=None,
                concurrency=2,
            ),
            Scenario(
                "products with a base64 photo (2 sellers)",
                "POST",
                "/api/products",
                body=_product_with_photo,
                variants=4,
                concurrency=2,
            ),
        ),
        mix_check=part_first("sales, 16 sellers", 250),
    ),
]
