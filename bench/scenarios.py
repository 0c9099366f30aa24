"""What the benchmark measures: one small declarative entry per scenario.

Each names the request (method, path, query, a body factory and whose token), how many
connections drive it, and its target. A scenario whose route answers 404 or 405 in this
build is skipped with a message, so the harness runs before every domain has landed.
"""

from __future__ import annotations

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
    sellers: list[tuple[str, list[tuple[str, str]]]]
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
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _sale_body(ctx: Context, connection: int, n: int) -> dict[str, Any]:
    """One piece of one of the seller's branch's products, at its price (a JSON number)."""
    _, products = ctx.sellers[connection % len(ctx.sellers)]
    product_id, price = products[n % len(products)]
    amount = Decimal(price)
    number = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"product_id": product_id, "quantity": 1, "amount": number, "payment_type": "cash"}


def _month(ctx: Context) -> dict[str, Any]:
    return {"period": "month"}


def _last_31_days(ctx: Context) -> dict[str, Any]:
    return {
        "date_from": (ctx.today - timedelta(days=30)).isoformat(),
        "date_to": ctx.today.isoformat(),
    }


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
]
