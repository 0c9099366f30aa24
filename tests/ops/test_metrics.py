"""GET /metrics: Prometheus text for the director or the scrape token; it counts a sale."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from carpet_shop.main import create_app
from tests.factories import assert_error, auth_headers
from tests.shop import make_shop

SCRAPE_TOKEN = "scrape-token-for-prometheus-0123456789"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_for_the_director_or_the_scrape_token(settings, db, clock, factory):
    configured = settings.model_copy(update={"metrics_token": SCRAPE_TOKEN})
    with TestClient(create_app(settings=configured, database=db, clock=clock)) as client:
        assert_error(client.get("/metrics"), 401, "UNAUTHORIZED")
        assert_error(
            client.get("/metrics", headers={"Authorization": "Bearer not-the-token"}),
            401,
            "UNAUTHORIZED",
        )
        seller = factory.seller(factory.branch())
        assert_error(client.get("/metrics", headers=auth_headers(client, seller)), 403, "FORBIDDEN")
        by_token = client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
        assert by_token.status_code == 200
        assert by_token.headers["content-type"].startswith("text/plain")
        by_director = client.get("/metrics", headers=auth_headers(client, factory.admin()))
        assert by_director.status_code == 200
    assert "/metrics" in client.app.openapi()["paths"]


def test_metrics_count_a_sale_by_branch_and_requests_by_route(settings, db, clock, factory):
    configured = settings.model_copy(update={"metrics_token": SCRAPE_TOKEN})
    scrape = {"Authorization": f"Bearer {SCRAPE_TOKEN}"}
    with TestClient(create_app(settings=configured, database=db, clock=clock)) as client:
        shop = make_shop(factory, client)
        product = factory.product(shop.branch, stock=3)
        before = _samples(client.get("/metrics", headers=scrape).text)

        assert shop.sell(shop.seller_h, product, 2, 300_000).status_code == 201
        refused = shop.sell(shop.seller_h, product, 5, 750_000)  # more than is left
        assert refused.status_code == 409
        client.get(f"/api/products/{product.id}", headers=shop.seller_h)

        after = _samples(client.get("/metrics", headers=scrape).text)
    branch = str(shop.branch.id)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    # The refused sale was rolled back: not a sale.
    assert grew("carpet_shop_sales_total", branch_id=branch) == 1
    assert grew("carpet_shop_sales_amount_soum_total", branch_id=branch) == 300_000
    assert (
        grew("carpet_shop_http_requests_total", method="POST", route="/api/sales", status="201")
        == 1
    )
    assert (
        grew("carpet_shop_http_requests_total", method="POST", route="/api/sales", status="409")
        == 1
    )
    route = "/api/products/{product_id}"
    assert grew("carpet_shop_http_requests_total", method="GET", route=route, status="200") == 1
    assert grew("carpet_shop_http_request_duration_seconds_count", method="GET", route=route) == 1
    # The one product is now at 1 piece, at or below the default threshold (2).
    assert _value(after, "carpet_shop_stock_alerts") >= 1
    names = {name for name, _ in after}
    assert {"carpet_shop_db_connections_in_use", "carpet_shop_db_connections_open"} <= names


def test_metrics_count_read_cache_hits(settings, db, clock, factory):
    if db.dialect != "sqlite":
        return  # PostgreSQL caches only with Redis: tests/ops/test_workers.py
    scrape = {"Authorization": f"Bearer {SCRAPE_TOKEN}"}
    configured = settings.model_copy(update={"metrics_token": SCRAPE_TOKEN})
    with TestClient(create_app(settings=configured, database=db, clock=clock)) as client:
        shop = make_shop(factory, client)
        before = _samples(client.get("/metrics", headers=scrape).text)
        for _ in range(3):
            assert client.get("/api/products", headers=shop.seller_h).status_code == 200
        after = _samples(client.get("/metrics", headers=scrape).text)
    name, cache = "carpet_shop_read_cache_reads_total", "catalog.listed_pages"
    hits = _value(after, name, cache=cache, result="hit") - _value(
        before, name, cache=cache, result="hit"
    )
    assert hits == 2
