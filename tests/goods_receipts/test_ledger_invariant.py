"""Receipts mixed into random sales, returns, transfers and counts: the ledger still explains
every size's stock (property-based, through the services, each step its own transaction)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from carpet_shop.catalog.models import Product, ProductSize, ProductType, stock_of
from carpet_shop.core.actor import Actor
from carpet_shop.core.errors import AppError
from carpet_shop.goods_receipts import service as receipts_service
from carpet_shop.goods_receipts.schemas import ReceiptCreate
from carpet_shop.inventory import service as inventory_service
from carpet_shop.inventory.models import MovementKind, StockMovement
from carpet_shop.inventory.schemas import AdjustRequest
from carpet_shop.returns import service as returns_service
from carpet_shop.returns.schemas import ReturnCreate
from carpet_shop.sales import service as sales_service
from carpet_shop.sales.schemas import SaleCreate
from carpet_shop.transfers import service as transfers_service
from carpet_shop.transfers.schemas import TransferCreate
from tests.factories import LOW_STOCK, META

SIZES = {ProductType.UNIT: ["2×3", "3×4", "2×4"], ProductType.METER: ["4×20", "4×25", "3×10"]}
index = st.integers(min_value=0, max_value=20)
small = st.integers(min_value=1, max_value=6)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("receipt"), index, st.integers(0, 1), st.integers(0, 2), small,
                  st.integers(0, 900)),
        st.tuples(st.just("sale"), index, st.integers(0, 2), small),
        st.tuples(st.just("return"), index, small),
        st.tuples(st.just("transfer"), index, st.integers(0, 2), small, st.booleans()),
        st.tuples(st.just("count"), index, st.integers(0, 2), st.integers(0, 8)),
    ),
    min_size=1,
    max_size=12,
)  # fmt: skip


@dataclass
class World:
    branches: list
    sellers: dict
    supplier: object
    products: list = field(default_factory=list)
    sales: list = field(default_factory=list)
    received: Decimal = Decimal(0)


def _amount(kind: ProductType, n: int) -> Decimal:
    # Rolls move in half metres, so lengths with decimals are exercised too.
    return Decimal(n) if kind == ProductType.UNIT else Decimal(n) / 2


def _pick(session, world: World, i: int, s: int) -> tuple[Product, str]:
    product = session.get(Product, world.products[i % len(world.products)])
    sizes = product.available_sizes
    return product, sizes[s % len(sizes)]


def _apply(factory, world: World, op) -> bool:
    """Run one operation; False when it had nothing to act on yet."""
    actor, clock = factory.actor(), factory.clock
    name = op[0]
    with factory.db.transaction() as session:
        if name == "receipt":
            _, i, other, s, n, price = op
            product = session.get(Product, world.products[i % len(world.products)])
            # Sometimes a size the product has not yet (made by the receipt).
            size = SIZES[product.type][s]
            branch = world.branches[(world.branches.index(product.branch_id) + other) % 2]
            quantity = _amount(product.type, n)
            receipt = receipts_service.create_receipt(
                session,
                actor,
                clock,
                ReceiptCreate.model_validate(
                    {
                        "supplier_id": world.supplier,
                        "branch_id": branch,
                        "lines": [
                            {"product_id": product.id, "size": size, "quantity": quantity,
                             "buy_price": price}
                        ],
                    }
                ),
                tz=factory.tz,
            )  # fmt: skip
            world.received += quantity
            world.products.extend(
                line.product_id for line in receipt.lines
                if line.product_id not in world.products
            )  # fmt: skip
        elif name == "sale":
            _, i, s, n = op
            product, size = _pick(session, world, i, s)
            quantity = _amount(product.type, n)
            body = SaleCreate.model_validate(
                {
                    "items": [{"product_id": product.id, "size": size, "quantity": quantity,
                               "amount": quantity * 1_000_000}],
                    "payment_type": "cash",
                }
            )  # fmt: skip
            seller = Actor(user=world.sellers[product.branch_id], meta=META)
            view = sales_service.create_sale(
                session, seller, clock, body, tz=factory.tz, low_stock=LOW_STOCK
            )
            [item] = view.items
            world.sales.append((view.sale.id, item.item.id))
        elif name == "return":
            if not world.sales:
                return False
            _, i, n = op
            sale_id, item_id = world.sales[i % len(world.sales)]
            asked = ReturnCreate.model_validate(
                {"sale_id": sale_id, "items": [{"sale_item_id": item_id, "quantity": n}],
                 "reason": "OTHER"}
            )  # fmt: skip
            view = returns_service.create_return(session, actor, clock, asked)
            returns_service.approve_return(session, actor, clock, view.sale_return.id, factory.tz)
        elif name == "transfer":
            _, i, s, n, complete = op
            product, size = _pick(session, world, i, s)
            target = world.branches[(world.branches.index(product.branch_id) + 1) % 2]
            transfer = transfers_service.start(
                session,
                actor,
                clock,
                product.id,
                TransferCreate(to_branch_id=target, size=size,
                               quantity=_amount(product.type, n), complete=complete),
                low_stock=LOW_STOCK,
            )  # fmt: skip
            if transfer.target_product_id and transfer.target_product_id not in world.products:
                world.products.append(transfer.target_product_id)
        else:
            _, i, s, n = op
            product, size = _pick(session, world, i, s)
            counted = _amount(product.type, n)
            level = (
                {"quantity": int(counted)}
                if product.type == ProductType.UNIT
                else {"remaining_length": counted}
            )
            inventory_service.adjust(
                session, actor, clock, product.id,
                AdjustRequest(size=size, reason="count", **level), low_stock=LOW_STOCK,
            )  # fmt: skip
    return True


def _check(factory, world: World) -> None:
    with factory.db.transaction() as session:
        products = session.scalars(
            select(Product).where(Product.branch_id.in_(world.branches))
        ).all()
        ids = [p.id for p in products]
        movements = session.scalars(
            select(StockMovement)
            .where(StockMovement.product_id.in_(ids))
            .order_by(StockMovement.created_at, StockMovement.id)
        ).all()
        sizes = session.scalars(select(ProductSize).where(ProductSize.product_id.in_(ids))).all()
        kinds = {p.id: p.type for p in products}
        per_size = {
            (r.product_id, r.size): stock_of(kinds[r.product_id], r.quantity, r.remaining_length)
            for r in sizes
        }
    running: dict[tuple, Decimal] = defaultdict(Decimal)
    per_product: dict = defaultdict(Decimal)
    for movement in movements:
        key = (movement.product_id, movement.size)
        running[key] += movement.delta
        per_product[movement.product_id] += movement.delta
        assert movement.balance_after == running[key], movement.kind
    for product in products:
        assert product.stock >= 0
        assert per_product[product.id] == product.stock, product.name
        assert sorted(product.available_sizes) == sorted(
            size for (pid, size) in per_size if pid == product.id
        )
    for key, stock in per_size.items():
        assert stock >= 0
        assert running[key] == stock, key
    received = sum((m.delta for m in movements if m.kind == MovementKind.RECEIPT), Decimal(0))
    assert received == world.received


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_the_ledger_explains_every_size_with_receipts_mixed_in(factory, ops):
    factory.ensure_sizes(SIZES[ProductType.UNIT])
    branches = [factory.branch(), factory.branch()]
    world = World(
        branches=[b.id for b in branches],
        sellers={b.id: factory.seller(b) for b in branches},
        supplier=factory.supplier().id,
    )
    world.products.append(factory.product(branches[0], sizes=["2×3", "3×4"], stock=4).id)
    world.products.append(
        factory.product(branches[1], type=ProductType.METER, sizes=["4×20"], length=20).id
    )
    for op in ops:
        # One tick per operation: each product gets at most one movement per tick.
        factory.clock.advance(timedelta(seconds=1))
        try:
            event(f"{op[0]} {'done' if _apply(factory, world, op) else 'skipped'}")
        except AppError as exc:
            event(f"{op[0]} refused: {exc.code}")
        _check(factory, world)
