"""Sales: ringing up a receipt and reading receipts back.

A sale is one transaction: stock taken through the ledger (all items or none), the customer
(registered if new), the branch's receipt number, the sale with its items and payments, a
credit sale's debt, the seller's commission and the audit entry. Any error rolls all of it
back: no sale, no movement, no customer, no debt, no number used.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.analytics import service as analytics_service
from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.catalog.models import ProductType
from carpet_shop.catalog.sizes import cut_size, resolve_size, size_price
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.commissions import service as commissions_service
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PriceBelowCost,
    ValidationFailed,
)
from carpet_shop.core.i18n import Message
from carpet_shop.core.ids import new_id
from carpet_shop.core.money import ZERO
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import BranchScope
from carpet_shop.discounts import service as discounts_service
from carpet_shop.inventory import ledger
from carpet_shop.inventory.models import MovementKind
from carpet_shop.notifications import triggers as notify
from carpet_shop.sales import credit as sale_credit
from carpet_shop.sales import receipts
from carpet_shop.sales.filters import SaleFilters
from carpet_shop.sales.lines import ItemLine, receipt_of
from carpet_shop.sales.models import Sale, SaleItem, SalePayment
from carpet_shop.sales.pricing import LinePrice, price_line
from carpet_shop.sales.repository import ProductForSale, SaleRepository, SizeForSale
from carpet_shop.sales.schemas import SaleCreate
from carpet_shop.sales.views import ItemView, SaleView

ENTITY = "sale"
CENT = Decimal("0.01")


def _load_products(
    repo: SaleRepository, items: Sequence[ItemLine]
) -> dict[uuid.UUID, ProductForSale]:
    found = {product.id: product for product in repo.products_for_sale(i.product_id for i in items)}
    for item in items:
        if item.product_id not in found:
            raise NotFound(
                Message("Product {product_id} not found", product_id=item.product_id),
                details={
                    "entity": "Product",
                    "id": str(item.product_id),
                    "field": item.at("product_id"),
                },
            )
        product = found[item.product_id]
        if product.type == ProductType.UNIT and item.quantity != item.quantity.to_integral_value():
            raise ValidationFailed.field(
                item.at("quantity"), Message("{name} is sold by whole pieces", name=product.name)
            )
    return found


@dataclass(frozen=True)
class _Branch:
    id: uuid.UUID
    code: str
    name: str


def _branch_of(
    actor: Actor, items: Sequence[ItemLine], products: dict[uuid.UUID, ProductForSale]
) -> _Branch:
    """The branch the receipt sells from (its products' rows carry it)."""
    first = products[items[0].product_id]
    if any(products[i.product_id].branch_id != first.branch_id for i in items):
        raise ValidationFailed.field("items", "All items of a receipt come from one branch")
    if not actor.is_admin and first.branch_id != actor.branch_id:
        raise Forbidden("Sellers sell from their own branch only")
    if first.branch_deleted:
        raise NotFound.of("Branch", first.branch_id)
    return _Branch(first.branch_id, first.branch_code, first.branch_name)


@dataclass(frozen=True)
class _Sized:
    """The size a line sells, its prices per piece or metre, and a roll's cut."""

    size: str | None
    list_price: Decimal
    buy_price: Decimal | None
    cut_size: str | None


def _sizes(
    repo: SaleRepository, items: Sequence[ItemLine], products: dict[uuid.UUID, ProductForSale]
) -> list[_Sized]:
    """Each line's size (named, or the product's only one) and what it costs."""
    rows: dict[tuple[uuid.UUID, str], SizeForSale] = {}
    if any(products[i.product_id].available_sizes for i in items):
        rows = {(r.product_id, r.size): r for r in repo.sizes_for_sale(products)}
    sized = []
    for item in items:
        product = products[item.product_id]
        size = resolve_size(product.available_sizes, item.size, item.at("size"))
        row = rows.get((product.id, size)) if size is not None else None
        if row is None:
            sized.append(_Sized(None, product.standard_price, product.buy_price, None))
            continue
        meter = product.type == ProductType.METER
        step = product.price_step
        price = size_price(
            row.sell_price, product.sell_price_per_m2, row.width, row.height, step,
            product.standard_price, meter=meter,
        )  # fmt: skip
        buy = size_price(
            row.buy_price, product.buy_price_per_m2, row.width, row.height, step,
            product.buy_price, meter=meter,
        )  # fmt: skip
        cut = cut_size(row.width, item.quantity) if meter else None
        sized.append(_Sized(size, price or product.standard_price, buy, cut))
    return sized


def _price(
    session: Session,
    actor: Actor,
    items: Sequence[ItemLine],
    products: dict[uuid.UUID, ProductForSale],
    branch_id: uuid.UUID,
    when: datetime,
    sized: Sequence[_Sized],
) -> list[tuple[LinePrice, uuid.UUID | None]]:
    discounts = discounts_service.best_for(session, list(products.values()), branch_id, when)
    priced: list[tuple[LinePrice, uuid.UUID | None]] = []
    below: list[dict[str, str]] = []
    for item, size in zip(items, sized, strict=True):
        product = products[item.product_id]
        if product.buy_price is None or size.buy_price is None:
            raise Conflict(
                Message(
                    "{name} has no buy price yet: the director prices it before it is sold",
                    name=product.name,
                ),
                details={
                    "reason": "cost_unknown",
                    "product_id": str(product.id),
                    "field": item.at("product_id"),
                },
            )
        applied = discounts.get(product.id)
        standard = size.list_price
        if applied is not None:
            # The discount's share of the product's price, applied to the size's.
            standard = (
                applied.price
                if size.list_price == product.standard_price
                else (size.list_price * applied.price / product.standard_price).quantize(CENT)
            )
        line = price_line(
            quantity=item.quantity,
            amount=item.amount,
            list_price=size.list_price,
            standard_price=standard,
            buy_price=size.buy_price,
        )
        if line.below_cost:
            # Which lines, never the buy price itself: a seller does not see it.
            below.append(
                {
                    "field": item.at("amount"),
                    "message": Message("Too low for {name}", name=product.name),
                }
            )
        priced.append((line, applied.discount_id if applied else None))
    if below and not actor.is_admin:
        raise PriceBelowCost("A seller cannot sell below the buy price", details={"fields": below})
    return priced


def create_sale(
    session: Session,
    actor: Actor,
    clock: Clock,
    body: SaleCreate,
    *,
    tz: ZoneInfo,
    low_stock: LowStockDefaults,
) -> SaleView:
    """Ring up a sale; `tz` is the shop's time zone (shop days of the rollups, a credit
    sale's deadline), `low_stock` the levels of products that set none (notifications)."""
    receipt = receipt_of(body)
    now = clock.now()
    if body.date is not None and not actor.is_admin:
        raise Forbidden("Only the director may set the date of a sale")
    # Instants are kept and answered in UTC, whatever offset the back-filled date came with.
    when = body.date.astimezone(UTC) if body.date is not None else now
    if when > now:
        raise ValidationFailed.field("date", "A sale cannot be dated in the future")
    repo = SaleRepository(session)
    products = _load_products(repo, receipt.items)
    branch = _branch_of(actor, receipt.items, products)
    branch_id = branch.id
    sized = _sizes(repo, receipt.items, products)
    priced = _price(session, actor, receipt.items, products, branch_id, when, sized)
    total = sum((line.amount for line, _ in priced), ZERO)
    terms = sale_credit.terms_of(session, clock, body, receipt.payments, total, tz=tz)

    # Stock first, in product order so concurrent multi-item sales lock rows in one order;
    # the customer and the receipt number after, so a sale refused for stock registers no
    # one and never touches the counter.
    sale_id = new_id()
    order = sorted(range(len(receipt.items)), key=lambda n: (str(receipt.items[n].product_id), n))
    moved = ledger.take(
        session,
        clock,
        [
            ledger.StockLine(
                products[receipt.items[n].product_id], receipt.items[n].quantity, sized[n].size
            )
            for n in order
        ],
        MovementKind.SALE,
        ledger.Document(ENTITY, sale_id),
        actor.id,
    )
    notify.stock_taken(session, clock, low_stock, products, moved)
    customer = sale_credit.register_customer(session, actor, clock, terms)
    sale = repo.new_sale(
        id=sale_id,
        receipt_number="",  # given by receipts.write_numbered
        branch_id=branch_id,
        seller_id=actor.id,
        customer_id=customer.id if customer else None,
        # A registered customer is shown as the registry has them.
        customer_name=customer.name if customer else terms.customer.name,
        customer_phone=customer.phone if customer else terms.customer.phone,
        note=body.note,
        date=when,
        created_at=now,
        amount=total,
        profit=sum((line.extra_profit for line, _ in priced), ZERO),
        director_profit=sum((line.director_profit for line, _ in priced), ZERO),
        cost=sum((line.cost for line, _ in priced), ZERO),
        refunded_amount=ZERO,
    )
    items = [
        repo.new_item(
            id=new_id(),
            sale_id=sale_id,
            position=n,
            product_id=receipt.items[n].product_id,
            size=sized[n].size,
            cut_size=sized[n].cut_size,
            quantity=line.quantity,
            amount=line.amount,
            list_price=line.list_price,
            standard_price=line.standard_price,
            buy_price=line.buy_price,
            discount_id=discount_id,
            discount_amount=line.discount_amount,
            extra_profit=line.extra_profit,
            director_profit=line.director_profit,
            returned_quantity=ZERO,
            refunded_amount=ZERO,
        )
        for n, (line, discount_id) in enumerate(priced)
    ]
    paid = [
        repo.new_payment(
            id=new_id(),
            sale_id=sale_id,
            position=n,
            payment_type=p.payment_type,
            amount=p.amount,
        )
        for n, p in enumerate(receipt.payments)
    ]
    receipts.write_numbered(session, sale, branch.code)
    repo.insert_lines(items, paid)
    analytics_service.record_sale(session, sale, items, paid, tz)
    debt = sale_credit.open_debt(session, actor, clock, sale, customer, terms, tz=tz)
    commissions_service.record_for_sale(
        session,
        clock,
        sale_id=sale_id,
        seller_id=actor.id,
        branch_id=branch_id,
        rate=actor.user.commission_rate if not actor.is_admin else ZERO,
        amount=total,
    )
    seller_name = actor.user.full_name or actor.user.username
    notify.sale_completed(
        session,
        clock,
        sale_id=sale_id,
        receipt_number=sale.receipt_number,
        amount=total,
        branch_id=branch_id,
        branch_name=branch.name,
        seller_id=actor.id,
        seller_name=seller_name,
    )
    audit.log(
        session,
        actor,
        clock,
        AuditAction.CREATE,
        ENTITY,
        sale_id,
        audit.created(
            {
                "receipt_number": sale.receipt_number,
                "branch_id": branch_id,
                "date": when,
                "amount": total,
                "customer_id": sale.customer_id,
                "debt_id": debt.id if debt else None,
                "items": [
                    {"product_id": i.product_id, "quantity": i.quantity, "amount": i.amount}
                    for i in items
                ],
                "payments": [{"payment_type": p.payment_type, "amount": p.amount} for p in paid],
            }
        ),
    )
    return SaleView(
        sale=sale,
        branch_name=branch.name,
        seller_name=seller_name,
        items=[
            ItemView(
                item=item,
                product_name=products[item.product_id].name,
                collection_name=products[item.product_id].collection_name,
                product_type=products[item.product_id].type,
                sizes=products[item.product_id].available_sizes or [],
                photo_thumb=products[item.product_id].photo_thumb,
            )
            for item in items
        ],
        payments=paid,
        debt=debt,
    )


def _views(
    session: Session, repo: SaleRepository, headers: Sequence[Any], today: date
) -> list[SaleView]:
    """Items, payments and debts of a page of sales: three queries for the whole page."""
    ids = [h.Sale.id for h in headers]
    if not ids:
        return []
    items: dict[uuid.UUID, list[ItemView]] = defaultdict(list)
    for row in repo.items_with_products(ids):
        items[row.SaleItem.sale_id].append(
            ItemView(
                item=row.SaleItem,
                product_name=row.product_name,
                collection_name=row.collection_name,
                product_type=row.product_type,
                sizes=row.sizes or [],
                photo_thumb=row.photo_thumb,
            )
        )
    payments: dict[uuid.UUID, list[SalePayment]] = defaultdict(list)
    for payment in repo.payments_of(ids):
        payments[payment.sale_id].append(payment)
    # Any debt made for the sale: a credit sale's, or one recorded for it by hand.
    debts = sale_credit.debt_views(session, ids, today)
    return [
        SaleView(
            sale=h.Sale,
            branch_name=h.branch_name,
            seller_name=h.seller_name,
            items=items[h.Sale.id],
            payments=payments[h.Sale.id],
            debt=debts.get(h.Sale.id),
        )
        for h in headers
    ]


def list_sales(
    session: Session, filters: SaleFilters, page: PageParams, today: date
) -> tuple[list[SaleView], int]:
    """Newest first (by the sale's date), with items, payments and debts (their status as of
    the shop's `today`), in five queries."""
    repo = SaleRepository(session)
    headers, total = repo.page(filters.conditions(), page)
    return _views(session, repo, headers, today), total


def get_sale(session: Session, scope: BranchScope, sale_id: uuid.UUID, today: date) -> SaleView:
    repo = SaleRepository(session)
    header = repo.header(sale_id)
    if header is None:
        raise NotFound.of("Sale", sale_id)
    scope.check(header.Sale.branch_id)
    return _views(session, repo, [header], today)[0]


# What the returns module needs of a sale.


def lock_sale(session: Session, sale_id: uuid.UUID) -> Sale:
    sale = SaleRepository(session).lock(sale_id)
    if sale is None:
        raise NotFound.of("Sale", sale_id)
    return sale


def items_of(session: Session, sale_id: uuid.UUID) -> Sequence[SaleItem]:
    return SaleRepository(session).items_of(sale_id)


def record_return(
    session: Session,
    sale: Sale,
    lines: Sequence[tuple[uuid.UUID, Decimal, Decimal]],
    tz: ZoneInfo,
) -> Decimal:
    """Count approved returned quantities and refunds on the items and the sale; the sale's
    amount net of refunds. Each update re-checks its bound, so nothing passes what was sold."""
    repo = SaleRepository(session)
    refund = ZERO
    for item_id, quantity, amount in lines:
        if not repo.record_return(item_id, quantity, amount):
            raise Conflict("This return takes back more than is left of the sale")
        item = session.get(SaleItem, item_id, populate_existing=True)
        assert item is not None
        analytics_service.record_return(
            session, sale, item, quantity=quantity, refund=amount, tz=tz
        )
        refund += amount
    refunded = repo.record_refund(sale, refund)
    if refunded is None:
        raise Conflict("This return refunds more than the sale was paid")
    return sale.amount - refunded
