"""The cross-branch matrix: every route with an id in its path, called by a seller of branch B
with the id of branch A's object, is refused (403 FORBIDDEN or 404 NOT_FOUND in the contract's
envelope), never served, never a 500, and changes nothing the director can see.

The routes come from the app itself (every APIRoute, included routers too), so a new route with
an id parameter enters the matrix by being written. Its parameter must name a kind of object
in KINDS (one of branch A's objects, built once per module); a parameter the matrix does not
know fails its case, naming what to add. A route with a body needs a minimal valid body in
BODIES, else it fails too: an invalid body answers 422 before anyone asks whose object it is.

Routes a seller of another branch may use are in ALLOWED, each with its reason; they are called
too and must answer 2xx (an entry that stops being true is stale and fails).
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from carpet_shop.core.clock import FrozenClock
from carpet_shop.core.config import Settings
from carpet_shop.core.database import Database
from carpet_shop.main import create_app
from carpet_shop.notifications.models import Notification, NotificationType
from tests.conftest import T0, TEST_SECRET, Backend
from tests.factories import Factory, assert_ok, auth_headers, make_payable

PARAM = re.compile(r"{(\w+)(?::\w+)?}")

# Routes a seller of branch B may call with branch A's object, and why.
ALLOWED: dict[tuple[str, str], str] = {
    # The customer registry is shop-wide (customers/service.py): one person per phone, shared
    # by every branch; a name and phone carry no branch's figures. Sellers read and correct it.
    ("GET", "/api/customers/{customer_id}"): "customers are shared by every branch",
    ("PUT", "/api/customers/{customer_id}"): "sellers correct the shared customer registry",
    # Collections and sizes are the shop's catalog master lists, not any branch's objects;
    # every seller picks from them (changing them is the director's: PUT/DELETE are refused).
    ("GET", "/api/collections/{collection_id}"): "collections are the shop's master list",
    ("GET", "/api/sizes/{size_id}"): "sizes are the shop's master list",
}

# A minimal valid body for each route that takes one (keyed by method and path).
BODIES: dict[tuple[str, str], Any] = {
    ("PUT", "/api/products/{product_id}"): {"sell_price": 170_000},
    ("POST", "/api/products/{product_id}/adjust"): {"quantity": 1, "reason": "recount"},
    ("POST", "/api/products/{product_id}/transfer"): {"to_branch_id": "<branch_b>", "quantity": 1},
    ("PUT", "/api/notifications/customers/{customer_id}/reminders"): {"reminders": False},
    ("PUT", "/api/inventory/alerts/{alert_id}"): {"threshold": 1},
    ("PUT", "/api/customers/{customer_id}"): {"note": "regular"},
    ("PUT", "/api/debts/{debt_id}"): {"note": "moved"},
    ("POST", "/api/debts/{debt_id}/payments"): {"amount": 100, "payment_type": "cash"},
    ("PUT", "/api/returns/{return_id}/approve"): {"note": "ok"},
    ("PUT", "/api/returns/{return_id}/reject"): {"note": "no"},
    ("PUT", "/api/collections/{collection_id}"): {"name": "Renamed"},
    ("PUT", "/api/sizes/{size_id}"): {"size": "9×9"},
    ("PUT", "/api/users/{user_id}"): {"full_name": "Renamed"},
    ("PUT", "/api/branches/{branch_id}"): {"name": "Renamed"},
    ("PUT", "/api/discounts/{discount_id}"): {"discount_value": 50},
    ("POST", "/api/payables/{payable_id}/payments"): {"amount": 100, "payment_type": "cash"},
    ("PUT", "/api/purchase-orders/{order_id}"): {"note": "moved"},
    ("POST", "/api/goods-receipts/{receipt_id}/costs"): {
        "lines": [{"line_id": "01a24000-0000-7000-8000-000000000000", "buy_price": 1}]
    },
    ("PUT", "/api/suppliers/{supplier_id}"): {"note": "moved"},
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    params: tuple[str, ...]
    body_required: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, PARAM.sub(r"{\1}", self.path))

    def __str__(self) -> str:
        return f"{self.method} {self.key[1]}"


def _api_routes(routes: Any) -> Iterator[tuple[str, set[str], Any]]:
    """(path, methods, route) of every APIRoute, through included routers (FastAPI keeps them
    as _IncludedRouter entries whose effective routes carry the full prefixed path)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route.path, route.methods, route
        elif hasattr(route, "effective_route_contexts"):
            for context in route.effective_route_contexts():
                if isinstance(context.original_route, APIRoute):
                    yield context.path, context.methods, context


def id_routes(app: Any) -> list[Route]:
    found = []
    for path, methods, route in _api_routes(app.routes):
        params = tuple(PARAM.findall(path))
        if not params:
            continue
        body = route.body_field
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            found.append(Route(method, path, params, bool(body and body.field_info.is_required())))
    return found


def _collect() -> list[Route]:
    """The app's routes at collection time, from an app that never opens its database."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            environment="test",
            database_url=f"sqlite:///{Path(tmp) / 'routes.db'}",
            secret_key=TEST_SECRET,
            uploads_dir=str(Path(tmp) / "uploads"),
            debt_status_interval_seconds=0,
        )
        app = create_app(settings=settings, clock=FrozenClock(T0))
        routes = id_routes(app)
        app.state.database.dispose()
    return routes


ROUTES = _collect()


@dataclass
class World:
    client: TestClient
    ids: dict[str, str]  # path parameter name -> branch A's object id
    as_admin: dict[str, str]
    as_a: dict[str, str]
    as_b: dict[str, str]
    branch_b: str
    snapshots: dict[str, tuple[str, dict[str, str]]]  # name -> (url, headers)

    def snapshot(self) -> dict[str, Any]:
        """What the director (and seller A, for their own things) sees of branch A's objects."""
        seen = {}
        for name, (url, headers) in self.snapshots.items():
            response = self.client.get(url, headers=headers)
            seen[name] = (response.status_code, response.json().get("data"))
        return seen


@pytest.fixture(scope="module")
def world(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("cross_branch")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=backend.fresh_url(tmp),
        secret_key=TEST_SECRET,
        uploads_dir=str(tmp / "uploads"),
        cors_origins=["http://localhost:5173"],
        debt_status_interval_seconds=0,
        language="en",
        # The matrix sends a few thousand requests (the snapshots around each call) within a
        # minute from one address; rate limits are not what it is about.
        rate_limit_per_user_per_minute=0,
        rate_limit_per_address_per_minute=0,
    )
    db = Database.from_settings(settings)
    clock = FrozenClock(T0)
    app = create_app(settings=settings, database=db, clock=clock)
    try:
        with TestClient(app) as client:
            factory = Factory(
                db, clock, app.state.auth_policy, uploads_dir=app.state.settings.uploads_dir
            )
            yield _build(client, factory, db)
    finally:
        backend.reset(db)
        db.dispose()


def _build(client: TestClient, factory: Factory, db: Database) -> World:
    branch_a, branch_b, branch_c = factory.branch(), factory.branch(), factory.branch()
    admin = factory.admin()
    seller_a = factory.seller(branch_a, commission_rate=Decimal("5"))
    seller_b = factory.seller(branch_b, can_add_products=True)
    as_admin = auth_headers(client, admin)
    as_a, as_b = auth_headers(client, seller_a), auth_headers(client, seller_b)

    product = factory.product(branch_a, stock=20)
    moved = factory.product(branch_a, stock=5)
    sale = assert_ok(
        client.post(
            "/api/sales",
            headers=as_a,
            json={
                "items": [{"product_id": str(product.id), "quantity": 2, "amount": 300_000}],
                "payment_type": "cash",
            },
        ),
        201,
    )
    [commission] = assert_ok(
        client.get("/api/commissions", params={"seller_id": str(seller_a.id)}, headers=as_admin)
    )
    asked = {
        "sale_id": sale["id"],
        "items": [{"sale_item_id": sale["items"][0]["id"], "quantity": 1}],
        "reason": "CUSTOMER_CHANGE_MIND",
    }
    returned = assert_ok(client.post("/api/returns", json=asked, headers=as_a), 201)
    customer = factory.customer()
    debt = factory.debt(branch=branch_a, customer=customer, total=500_000, by=seller_a)
    factory.payment(debt, 100_000, by=seller_a)
    # Transfers and batches between A and a third branch: B's seller is no party to them.
    transfer = factory.transfer(product, to=branch_c)
    batch = assert_ok(
        client.post(
            "/api/products/bulk-transfer",
            headers=as_admin,
            json={
                "to_branch_id": str(branch_c.id),
                "items": [{"product_id": str(moved.id), "quantity": 1}],
            },
        ),
        201,
    )
    discount = factory.discount(value=10, branch_id=branch_a.id)
    # Suppliers are the director's alone.
    supplier = factory.supplier(phone="+902125550102")
    alert = assert_ok(
        client.post(
            "/api/inventory/alerts",
            headers=as_admin,
            json={"product_id": str(product.id), "alert_type": "LOW_STOCK", "threshold": 3},
        ),
        201,
    )
    collection = factory.default_collection()
    size = factory.size("5×6")
    csv = (
        "name,category,collection,type,buy_price,sell_price,quantity,sizes,branch\n"
        f"Lara bej,Gilamlar,{collection.name},unit,100000,150000,4,2×3,{branch_a.name}\n"
    )
    preview = client.post(
        "/api/import/products",
        files={"file": ("products.csv", csv.encode(), "text/csv")},
        headers=as_admin,
    )
    preview_id = assert_ok(preview, 201)["id"]
    # A purchase order of branch A, and goods received there.
    supplier = factory.supplier()
    order_body = {
        "supplier_id": str(supplier.id),
        "branch_id": str(branch_a.id),
        "lines": [{"product_id": str(product.id), "quantity": 2, "buy_price": 90_000}],
    }
    order = assert_ok(client.post("/api/purchase-orders", json=order_body, headers=as_admin), 201)
    goods = {
        "supplier_id": str(supplier.id),
        "branch_id": str(branch_a.id),
        "lines": [{"product_id": str(product.id), "quantity": 1, "buy_price": 90_000}],
    }
    receipt = assert_ok(client.post("/api/goods-receipts", json=goods, headers=as_admin), 201)
    [session] = assert_ok(client.get("/api/auth/sessions", headers=as_a))
    with db.transaction() as tx:
        note = Notification(
            recipient_id=seller_a.id,
            event_key=f"cross-branch-{uuid.uuid4()}",
            type=NotificationType.LOW_STOCK,
            title="Low stock",
            message="Two left",
            branch_id=branch_a.id,
            related_entity_type="product",
            related_entity_id=product.id,
            data={},
            created_at=factory.clock.now(),
        )
        tx.add(note)
        tx.flush()
        notification_id = str(note.id)
    # A payable of branch A (director only, so refused to any seller).
    payable = make_payable(factory, total=500_000, branch=branch_a)

    ids = {
        "product_id": str(product.id),
        "sale_id": sale["id"],
        "commission_id": commission["id"],
        "return_id": returned["id"],
        "customer_id": str(customer.id),
        "debt_id": str(debt.id),
        "transfer_id": str(transfer.id),
        "batch_id": str(batch["batch_id"]),
        "discount_id": str(discount.id),
        "alert_id": alert["id"],
        "collection_id": str(collection.id),
        "size_id": str(size.id),
        "preview_id": str(preview_id),
        "session_id": str(session["id"]),
        "notification_id": notification_id,
        "user_id": str(seller_a.id),
        "branch_id": str(branch_a.id),
        "payable_id": str(payable.id),
        "order_id": order["id"],
        "receipt_id": receipt["id"],
        "supplier_id": str(supplier.id),
    }
    admin_view = {
        "product": f"/api/products/{product.id}",
        "moved": f"/api/products/{moved.id}",
        "movements": f"/api/products/{product.id}/movements",
        "sale": f"/api/sales/{sale['id']}",
        "return": f"/api/returns/{returned['id']}",
        "customer": f"/api/customers/{customer.id}",
        "debt": f"/api/debts/{debt.id}",
        "payments": f"/api/debts/{debt.id}/payments",
        "transfer": f"/api/transfers/{transfer.id}",
        "batch": f"/api/products/bulk-transfer/{batch['batch_id']}",
        "discount": f"/api/discounts/{discount.id}",
        "alert": f"/api/inventory/alerts/{alert['id']}",
        "collection": f"/api/collections/{collection.id}",
        "size": f"/api/sizes/{size.id}",
        "preview": f"/api/import/{preview_id}",
        "user": f"/api/users/{seller_a.id}",
        "branch": f"/api/branches/{branch_a.id}",
        "commissions": f"/api/commissions?seller_id={seller_a.id}",
        "payable": f"/api/payables/{payable.id}",
        "supplier_balance": f"/api/suppliers/{payable.supplier_id}/balance",
        "purchase_order": f"/api/purchase-orders/{order['id']}",
        "goods_receipt": f"/api/goods-receipts/{receipt['id']}",
        "supplier": f"/api/suppliers/{supplier.id}",
    }
    snapshots = {name: (url, as_admin) for name, url in admin_view.items()}
    # Seller A's own things the director does not see.
    snapshots["notifications"] = ("/api/notifications?page_size=200", as_a)
    snapshots["sessions"] = ("/api/auth/sessions", as_a)
    world = World(client, ids, as_admin, as_a, as_b, str(branch_b.id), snapshots)
    seen = world.snapshot()
    broken = {n: s for n, (s, _) in seen.items() if s != 200}
    assert not broken, f"the director's views of branch A's objects must answer 200: {broken}"
    # The ids no director's GET names are real too, so a 404 below is a refusal, not a typo.
    assert notification_id in [n["id"] for n in seen["notifications"][1]]
    assert ids["session_id"] in [s["id"] for s in seen["sessions"][1]]
    assert ids["commission_id"] in [c["id"] for c in seen["commissions"][1]]
    return world


def _body(route: Route, world: World) -> Any:
    body = BODIES.get(route.key)
    if body is None:
        if route.body_required:
            pytest.fail(
                f"{route} takes a body the cross-branch matrix has none for: add a minimal "
                f"valid one to BODIES in {__name__}, so the answer is about whose object it is"
            )
        return None
    return {k: world.branch_b if v == "<branch_b>" else v for k, v in body.items()}


def _url(route: Route, world: World) -> str:
    unknown = [p for p in route.params if p not in world.ids]
    if unknown:
        pytest.fail(
            f"{route} has path parameter(s) {unknown} the cross-branch matrix does not know: "
            f"build branch A's object of that kind in _build ({__name__}) and add its id"
        )
    return PARAM.sub(lambda m: world.ids[m.group(1)], route.path)


def test_the_matrix_has_every_id_route():
    assert len(ROUTES) > 50, "the app's routes were not found (FastAPI's router changed?)"
    keys = {r.key for r in ROUTES}
    stale = [k for k in (*ALLOWED, *BODIES) if k not in keys]
    assert not stale, f"entries for routes the app no longer has: {stale}"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method == "GET"], ids=str)
def test_the_owner_reads_what_the_matrix_names(world: World, route: Route):
    """The control: the director (or seller A, for their own things) reads each GET route with
    the same ids, so the refusals below are about the branch, not about a wrong id."""
    response = world.client.get(_url(route, world), headers=world.as_admin)
    assert response.status_code == 200, f"{route}: {response.status_code} {response.text[:300]}"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_seller_of_another_branch_is_refused(world: World, route: Route):
    url, body = _url(route, world), _body(route, world)
    before = world.snapshot()
    kwargs: dict[str, Any] = {"headers": world.as_b}
    if body is not None:
        kwargs["json"] = body
    response = world.client.request(route.method, url, **kwargs)
    where = f"{route.method} {url} as a seller of branch B -> {response.status_code}: "
    where += response.text[:300]
    assert response.status_code < 500, where
    if route.key in ALLOWED:
        assert 200 <= response.status_code < 300, f"allowed ({ALLOWED[route.key]}): {where}"
        return
    assert response.status_code in (403, 404), where
    envelope = response.json()
    assert envelope["success"] is False, where
    code = {403: "FORBIDDEN", 404: "NOT_FOUND"}[response.status_code]
    assert envelope["error"]["code"] == code, where
    assert isinstance(envelope["error"]["message"], str) and envelope["error"]["message"]
    assert isinstance(envelope["error"]["details"], dict), where
    assert "timestamp" in envelope and response.headers.get("x-request-id"), where
    after = world.snapshot()
    changed = sorted(name for name in before if before[name] != after[name])
    assert not changed, f"{where}\nrefused, yet these of branch A's objects changed: {changed}"
