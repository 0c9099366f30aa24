"""The purchasing demo (issue 21): the Istanbul wholesaler's dollar order for the first branch,
placed and partly received on credit (a payable in dollars, a first payment made on it), and a
cash receipt from the Samarkand factory. Everything goes through the services, so the stock,
the ledger, the cost of the sizes, the numbers and the audit are what the API would make.
Idempotent: nothing is added once the shop has a purchase order."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from carpet_shop.branches.models import Branch
from carpet_shop.catalog.models import Product, ProductType
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.goods_receipts import service as receipts_service
from carpet_shop.goods_receipts.schemas import ReceiptCreate, ReceiptLineIn
from carpet_shop.payables import service as payables_service
from carpet_shop.payables.models import Payable
from carpet_shop.payables.schemas import SupplierPaymentCreate
from carpet_shop.purchase_orders import service as orders_service
from carpet_shop.purchase_orders.models import PurchaseOrder
from carpet_shop.purchase_orders.schemas import OrderCreate, OrderLineIn
from carpet_shop.suppliers.demo import DemoSuppliers


def _pieces(products: list[Product], branch: Branch, how_many: int) -> list[Product]:
    """Carpets sold by the piece in the branch, with a size to order."""
    found = [
        p
        for p in products
        if p.branch_id == branch.id and p.type == ProductType.UNIT and p.available_sizes
    ]
    return sorted(found, key=lambda p: p.name)[:how_many]


def seed_purchases(
    session: Session,
    clock: Clock,
    admin: Actor,
    branch: Branch,
    products: list[Product],
    suppliers: DemoSuppliers,
    tz: ZoneInfo,
) -> None:
    if session.scalar(select(PurchaseOrder.id).limit(1)) is not None:
        return
    carpets = _pieces(products, branch, 3)
    if len(carpets) < 3:
        return
    first, second, third = carpets
    order = orders_service.create_order(
        session,
        admin,
        clock,
        OrderCreate(
            supplier_id=suppliers.turkish.id,
            branch_id=branch.id,
            note="Spring collection from Istanbul",
            lines=[
                OrderLineIn(
                    product_id=first.id,
                    size=first.available_sizes[0],
                    quantity=Decimal(4),
                    buy_price=Decimal("85.00"),
                ),
                OrderLineIn(
                    product_id=second.id,
                    size=second.available_sizes[0],
                    quantity=Decimal(2),
                    buy_price=Decimal("120.50"),
                ),
            ],
        ),
    )
    orders_service.place_order(session, admin, clock, order.id)
    today = shop_today(clock, tz)
    # Half of it has come: 2 of the 4, on 30 days' credit; the rest is still expected.
    receipts_service.create_receipt(
        session,
        admin,
        clock,
        ReceiptCreate(
            purchase_order_id=order.id,
            supplier_id=suppliers.turkish.id,
            branch_id=branch.id,
            on_credit=True,
            due_date=today + timedelta(days=30),
            lines=[
                ReceiptLineIn(
                    product_id=first.id, size=first.available_sizes[0], quantity=Decimal(2)
                )
            ],
        ),
        tz=tz,
    )
    payable = session.scalars(select(Payable).where(Payable.supplier_id == suppliers.turkish.id))
    owed = payable.first()
    if owed is not None:
        payables_service.record_payment(
            session,
            admin,
            clock,
            owed.id,
            SupplierPaymentCreate(amount=Decimal("50.00"), note="First payment"),
            tz=tz,
        )
    # The Samarkand factory is paid on delivery, in so'm.
    receipts_service.create_receipt(
        session,
        admin,
        clock,
        ReceiptCreate(
            supplier_id=suppliers.uzbek.id,
            branch_id=branch.id,
            lines=[
                ReceiptLineIn(
                    product_id=third.id,
                    size=third.available_sizes[0],
                    quantity=Decimal(3),
                    buy_price=Decimal("950000"),
                )
            ],
        ),
        tz=tz,
    )
