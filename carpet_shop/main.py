"""The application factory: `uvicorn --factory carpet_shop.main:create_app`."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import make_url
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from carpet_shop import __version__
from carpet_shop.analytics.router import router as analytics_router
from carpet_shop.audit.router import router as audit_router
from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.auth.router import router as auth_router
from carpet_shop.branches.router import router as branches_router
from carpet_shop.bulk.router import router as bulk_router
from carpet_shop.catalog.master_router import collections_router, sizes_router
from carpet_shop.catalog.router import router as products_router
from carpet_shop.commissions.router import router as commissions_router
from carpet_shop.core import backup as backups
from carpet_shop.core import docs, logs, openapi
from carpet_shop.core.clock import Clock, SystemClock
from carpet_shop.core.compression import CompressionMiddleware
from carpet_shop.core.config import ConfigurationError, Settings, get_settings
from carpet_shop.core.database import Database
from carpet_shop.core.http import RequestContextMiddleware, install_error_handlers
from carpet_shop.core.processes import refuse_to_start, serving_processes
from carpet_shop.core.rate_limits import AddressLimitMiddleware, RateLimiter
from carpet_shop.core.redis import SharedRedis
from carpet_shop.core.scheduler import PeriodicJob
from carpet_shop.core.sessions import SessionRoute
from carpet_shop.core.sqlite import Checkpointer
from carpet_shop.currency.router import router as currency_router
from carpet_shop.customers.router import router as customers_router
from carpet_shop.debts import jobs as debt_jobs
from carpet_shop.debts.router import router as debts_router
from carpet_shop.discounts.router import router as discounts_router
from carpet_shop.frontend_data.router import router as frontend_data_router
from carpet_shop.goods_receipts.router import router as goods_receipts_router
from carpet_shop.health.metrics import router as metrics_router
from carpet_shop.health.router import router as health_router
from carpet_shop.imports.router import router as imports_router
from carpet_shop.inventory.router import router as inventory_router
from carpet_shop.notifications.live import LiveHub
from carpet_shop.notifications.router import STREAM_DOCS, STREAM_PATH, alerts_router
from carpet_shop.notifications.router import router as notifications_router
from carpet_shop.notifications.router import stream as notifications_stream
from carpet_shop.notifications.telegram.jobs import TelegramWorker
from carpet_shop.payables import jobs as payable_jobs
from carpet_shop.payables.router import router as payables_router
from carpet_shop.payables.supplier_router import router as supplier_money_router
from carpet_shop.purchase_orders.router import router as purchase_orders_router
from carpet_shop.reports.router import router as reports_router
from carpet_shop.returns.router import router as returns_router
from carpet_shop.sales.router import router as sales_router
from carpet_shop.search.router import router as search_router
from carpet_shop.suppliers.router import router as suppliers_router
from carpet_shop.transfers.router import router as transfers_router
from carpet_shop.users.router import router as users_router

DESCRIPTION = """
Backend of a multi-branch carpet shop: branches, sellers, the catalog (dona and metraj),
a stock ledger, sales, credit (nasiya) and the director's analytics.

**Authentication**: `POST /api/auth/login` returns an access token; send it as
`Authorization: Bearer <token>`. Every answer is an envelope:
`{"success", "data", "message", "timestamp"}`, or `{"success": false, "error": {"code", …}}`.
"""

log = logging.getLogger("carpet_shop.main")

TAGS = [
    {"name": "auth", "description": "Signing in and out, token refresh, sessions"},
    {"name": "users", "description": "The director and the sellers"},
    {"name": "branches", "description": "The shop's branches"},
    {"name": "customers", "description": "The shop-wide customer registry"},
    {"name": "debts", "description": "Credit (nasiya): debts, payments, overdue tracking"},
    {
        "name": "sales",
        "description": "Receipts: stock taken atomically, frozen prices and profits, safe "
        "retries with Idempotency-Key",
    },
    {"name": "returns", "description": "Return requests and the director's approval"},
    {"name": "discounts", "description": "Promotions applied at sale time (director)"},
    {"name": "commissions", "description": "Sellers' commissions on their sales"},
    {"name": "analytics", "description": "Sales analytics, the director's profit, dashboard"},
    {"name": "products", "description": "The catalog: products, drill-down, quick find, photos"},
    {"name": "collections", "description": "Collections (master data)"},
    {"name": "sizes", "description": "Carpet sizes W×H in metres (master data)"},
    {"name": "inventory", "description": "The stock ledger, stock counts, low stock"},
    {"name": "transfers", "description": "Stock moved between branches"},
    {"name": "purchase-orders", "description": "What the shop orders from suppliers (PO-000123)"},
    {"name": "goods-receipts", "description": "Goods that came in (GR-000123) and their cost"},
    {
        "name": "notifications",
        "description": "Notifications, their live stream (SSE), settings and Telegram",
    },
    {"name": "search", "description": "One search across products (and more to come)"},
    {"name": "payables", "description": "What the shop owes suppliers, and paying them (director)"},
    {"name": "audit", "description": "Who changed what, and when"},
    {"name": "suppliers", "description": "Factories and wholesalers the shop buys from"},
    {"name": "currency", "description": "The director's dollar rate, one per shop day"},
    {"name": "health", "description": "Liveness and database state"},
]


def _say_how_it_is_served(settings: Settings, database: Database) -> None:
    """One line at startup: which database, how many workers, and whether they share caches."""
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    workers = settings.web_concurrency
    if database.shared is not None and not settings.is_sqlite:
        caches = "caches shared through Redis"
    elif settings.is_sqlite:
        caches = "caches kept exact by SQLite"
    elif workers > 1:
        caches = "no read caches: set REDIS_URL to share them between the workers"
    else:
        caches = "no read caches on PostgreSQL without Redis (set REDIS_URL)"
    log.info("serving %s with %d worker(s); %s", where, workers, caches)


def create_app(
    settings: Settings | None = None,
    database: Database | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    served = settings is None and database is None  # called by a server as its factory
    settings = settings or get_settings()
    try:
        settings.check_safe_to_serve()
        settings.check_processes(serving_processes(settings.web_concurrency))
    except ConfigurationError as exc:
        if served:
            refuse_to_start(str(exc))
        raise
    logs.configure(settings)
    shared = database.shared if database is not None else SharedRedis.from_settings(settings)
    database = database or Database.from_settings(settings, shared)
    clock = clock or SystemClock()

    live = LiveHub(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _say_how_it_is_served(settings, database)
        if shared is not None:
            shared.check()
        # Held while serving, so `carpet-shop restore` refuses to overwrite the database.
        with backups.serving(settings.database_url):
            await live.start()
            database.announcer.listeners.append(live.committed)
            jobs: list[PeriodicJob | Checkpointer | TelegramWorker] = [
                Checkpointer(database.engine)
            ]
            # The Telegram sender runs in every process; the holder of its lease (core.leases)
            # sends. Scheduled jobs run once per period across all of them (core.scheduler).
            if settings.telegram_bot_token and settings.telegram_sender:
                jobs.append(TelegramWorker(database, clock, settings))
            if settings.debt_status_interval_seconds > 0:
                interval = settings.debt_status_interval_seconds
                jobs.append(debt_jobs.status_job(database, clock, settings.tz, interval))
                # Payables past due, at the debts job's interval.
                jobs.append(payable_jobs.status_job(database, clock, settings.tz, interval))
            if settings.backup_interval_hours > 0 and settings.is_sqlite:
                jobs.append(backups.scheduled(database, settings))
            for job in jobs:
                job.start()
            # What exists once the app has started (modules, routes, schemas, mappings) lives
            # as long as it serves: kept out of the garbage collector's full passes, which
            # would otherwise walk all of it each time (tens of milliseconds, stalling every
            # request).
            gc.freeze()
            try:
                yield
            finally:
                gc.unfreeze()
            for job in jobs:
                await job.stop()
            database.announcer.listeners.remove(live.committed)
            await live.stop()
            database.dispose()
            if shared is not None:
                await shared.close()

    app = FastAPI(
        title=settings.app_name,
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        license_info={"name": "MIT"},
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=openapi.operation_id,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.clock = clock
    app.state.live = live
    app.state.auth_policy = AuthPolicy.from_settings(settings)
    app.state.started_at = clock.now()

    # Routes added to the app itself declare their session too (core.sessions).
    app.router.route_class = SessionRoute
    install_error_handlers(app)
    limiter = RateLimiter.build(
        settings.rate_limit_per_user_per_minute, settings.rate_limit_per_address_per_minute, shared
    )
    app.state.rate_limiter = limiter
    app.add_middleware(AddressLimitMiddleware, limiter=limiter)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID", "Retry-After", "Idempotent-Replayed", "ETag"],
    )
    app.add_middleware(CompressionMiddleware)
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_request_bytes,
        default_language=settings.language,
    )
    # Outermost: the client's address from a trusted proxy's headers, for everything inside.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)

    # Busiest first: FastAPI tries the routers in this order, and every route it passes costs
    # a match. Ringing up sales and browsing the catalog are most of a shop's traffic; the
    # sales router has three routes, the catalog's nine.
    routers = (
        sales_router,
        # Before the catalog's /api/products/{product_id}, which would claim /bulk-… paths.
        bulk_router,
        products_router,
        analytics_router,
        auth_router,
        inventory_router,
        notifications_router,
        alerts_router,
        customers_router,
        debts_router,
        returns_router,
        transfers_router,
        search_router,
        collections_router,
        sizes_router,
        users_router,
        branches_router,
        discounts_router,
        commissions_router,
        audit_router,
        # Payables and a supplier's money.
        payables_router,
        supplier_money_router,
        reports_router,
        imports_router,
        frontend_data_router,
        # Purchase orders and goods receipts.
        purchase_orders_router,
        goods_receipts_router,
        # Suppliers and dollar rates.
        suppliers_router,
        currency_router,
        health_router,
        metrics_router,
    )
    for router in routers:
        app.include_router(router)
    # The live stream holds no session (it checks the token itself): a plain route.
    app.router.add_route(STREAM_PATH, notifications_stream, methods=["GET"])
    openapi.install(app, plain={STREAM_PATH: STREAM_DOCS})
    docs.install(app)
    # Product photos (re-encoded JPEGs only; see catalog/photos.py).
    uploads = Path(settings.uploads_dir)
    uploads.mkdir(parents=True, exist_ok=True)
    app.mount("/uploads", StaticFiles(directory=uploads), name="uploads")
    return app


def __getattr__(name: str) -> FastAPI:
    # `uvicorn carpet_shop.main:app`: the app object, made from the environment when a
    # server asks for it (the factory is `create_app`).
    if name == "app":
        return create_app()
    raise AttributeError(name)
