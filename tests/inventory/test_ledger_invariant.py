"""After any sequence of stock operations, the ledger explains every product's stock.

Random creates, edits, adjustments, transfers, receipts and cancellations run through the
services, each in its own transaction; refused ones (not enough stock, not in transit…) roll
back. Then, for every product: stock >= 0, the sum of its movements is its stock, each
movement's balance is the running sum; and no stock appears or vanishes between branches.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.models import Category, Product, ProductType
from carpet_shop.catalog.schemas import ProductCreate, ProductUpdate
from carpet_shop.core.errors import AppError
from carpet_shop.inventory import service as inventory_service
from carpet_shop.inventory.models import MovementKind, StockMovement
from carpet_shop.inventory.schemas import AdjustRequest
from carpet_shop.transfers import service as transfers_service
from carpet_shop.transfers.models import Transfer, TransferStatus
from carpet_shop.transfers.schemas import TransferCreate
from tests.factories import LOW_STOCK

BRANCHES = 3
index = st.integers(min_value=0, max_value=30)
amount = st.integers(min_value=0, max_value=8)
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("create"), st.integers(0, BRANCHES - 1), st.sampled_from(ProductType), amount
        ),
        st.tuples(st.just("edit"), index, amount),
        st.tuples(st.just("adjust"), index, amount),
        st.tuples(
            st.just("transfer"),
            index,
            st.integers(1, BRANCHES - 1),
            st.integers(1, 8),
            st.booleans(),
        ),
        st.tuples(st.just("receive"), index),
        st.tuples(st.just("cancel"), index),
    ),
    min_size=1,
    max_size=14,
)
# Stock comes in, or is counted, or edited: the only kinds that change the shop's total.
SOURCES = {MovementKind.INITIAL, MovementKind.EDIT, MovementKind.ADJUSTMENT}


@dataclass
class World:
    branches: list
    products: list = field(default_factory=list)
    transfers: list = field(default_factory=list)


def _quantity(kind: ProductType, n: int) -> Decimal:
    # Meter products move in half metres, so lengths with decimals are exercised too.
    return Decimal(n) if kind == ProductType.UNIT else Decimal(n) / 2


def _apply(factory, world: World, op) -> bool:
    """Run one operation; False when it had nothing to act on yet."""
    actor, clock = factory.actor(), factory.clock
    name = op[0]
    with factory.db.transaction() as session:
        if name == "create":
            _, branch, kind, n = op
            stock = (
                {"quantity": n}
                if kind == ProductType.UNIT
                else {"total_length": _quantity(kind, n)}
            )
            product = catalog_service.create_product(
                session,
                actor,
                clock,
                ProductCreate(
                    name=f"P{len(world.products)}",
                    category=Category.GILAMLAR,
                    collection_id=factory.default_collection().id,
                    type=kind,
                    buy_price=Decimal(10),
                    sell_price=Decimal(15),
                    branch_id=world.branches[branch].id,
                    **stock,
                ),
            )
            world.products.append((product.id, kind))
            return True
        if name in ("edit", "adjust", "transfer") and world.products:
            product_id, kind = world.products[op[1] % len(world.products)]
            counted = _quantity(kind, op[2] if name != "transfer" else op[3])
            field_name = "quantity" if kind == ProductType.UNIT else "remaining_length"
            value = int(counted) if kind == ProductType.UNIT else counted
            if name == "edit":
                catalog_service.update_product(
                    session,
                    actor,
                    clock,
                    product_id,
                    ProductUpdate(**{field_name: value}),
                    low_stock=LOW_STOCK,
                )
            elif name == "adjust":
                inventory_service.adjust(
                    session,
                    actor,
                    clock,
                    product_id,
                    AdjustRequest(reason="count", **{field_name: value}),
                    low_stock=LOW_STOCK,
                )
            else:
                source = catalog_service.get_product(session, product_id)
                here = [b.id for b in world.branches].index(source.branch_id)
                target = world.branches[(here + op[2]) % BRANCHES]
                transfer = transfers_service.start(
                    session,
                    actor,
                    clock,
                    product_id,
                    TransferCreate(to_branch_id=target.id, quantity=counted, complete=op[4]),
                    low_stock=LOW_STOCK,
                )
                world.transfers.append(transfer.id)
            return True
        if name in ("receive", "cancel") and world.transfers:
            transfer_id = world.transfers[op[1] % len(world.transfers)]
            step = transfers_service.receive if name == "receive" else transfers_service.cancel
            step(session, actor, clock, transfer_id)
            return True
    return False


def _check(factory, world: World) -> None:
    branch_ids = [b.id for b in world.branches]
    with factory.db.transaction() as session:
        products = session.scalars(select(Product).where(Product.branch_id.in_(branch_ids))).all()
        ids = [p.id for p in products]
        movements = session.scalars(
            select(StockMovement)
            .where(StockMovement.product_id.in_(ids))
            .order_by(StockMovement.created_at)
        ).all()
        in_transit = session.scalars(
            select(Transfer.quantity).where(
                Transfer.from_branch_id.in_(branch_ids),
                Transfer.status == TransferStatus.IN_TRANSIT,
            )
        ).all()
    by_product = defaultdict(list)
    for movement in movements:
        by_product[movement.product_id].append(movement)
    for product in products:
        assert product.stock >= 0
        running = Decimal(0)
        for movement in by_product[product.id]:
            running += movement.delta
            assert movement.balance_after == running, (product.name, movement.kind)
            assert movement.branch_id == product.branch_id
        assert running == product.stock, product.name
        if product.type == ProductType.METER:
            assert product.remaining_length <= product.total_length
    brought_in = sum((m.delta for m in movements if m.kind in SOURCES), Decimal(0))
    on_hand = sum((p.stock for p in products), Decimal(0))
    assert on_hand + sum(in_transit, Decimal(0)) == brought_in


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_the_ledger_explains_every_stock_figure(factory, ops):
    world = World(branches=[factory.branch() for _ in range(BRANCHES)])
    # Something to work on from the first operation: a unit and a meter product.
    _apply(factory, world, ("create", 0, ProductType.UNIT, 5))
    _apply(factory, world, ("create", 1, ProductType.METER, 6))
    for op in ops:
        # One tick per operation: each product gets at most one movement per tick.
        factory.clock.advance(timedelta(seconds=1))
        try:
            event(f"{op[0]} {'done' if _apply(factory, world, op) else 'skipped'}")
        except AppError as exc:
            event(f"{op[0]} refused: {exc.code}")
        _check(factory, world)
