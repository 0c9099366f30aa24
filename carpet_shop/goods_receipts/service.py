"""Goods receipts (kirim, GR-000123): goods that came in to a branch, and what they cost.

Each line puts its pieces or metres on the branch's product and size through the ledger
(movement kind `receipt`, the receipt as its document), in the receipt's one transaction: the
product is made in the branch if it has none of these goods yet (as a transfer does), the size
added if the product lacks it. Against a purchase order each line fills its order line with
one conditional UPDATE, so two receipts never take the same pieces; the order's row is held
first, so concurrent receipts of one order take turns.

Cost: each line's so'm price per piece or metre sets the size's buy price by the shop's rule
(PurchaseSettings.cost_rule): the last purchase price, or the moving weighted average of the
stock on hand, half up to the tiyin. Sales freeze the buy price when they are made.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.branches import service as branches_service
from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.models import Product, ProductSize, ProductType, stock_of
from carpet_shop.catalog.repository import ProductRepository
from carpet_shop.catalog.sizes import size_price
from carpet_shop.catalog.text import parse_size
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.core.errors import Conflict, NotFound, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.ids import new_id
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.periods import Window
from carpet_shop.core.repository import BranchScope
from carpet_shop.core.types import MAX_MONEY
from carpet_shop.currency.conversion import HUNDREDTH, usd_to_uzs
from carpet_shop.currency.models import Currency
from carpet_shop.currency.repository import CurrencyRateRepository
from carpet_shop.goods_receipts import errors
from carpet_shop.goods_receipts.models import (
    CostRule,
    GoodsReceipt,
    GoodsReceiptLine,
    GoodsReceiptStatus,
)
from carpet_shop.goods_receipts.repository import (
    GoodsReceiptRepository,
    PurchaseSettingsRepository,
)
from carpet_shop.goods_receipts.schemas import CostsIn, ReceiptCreate, ReceiptLineIn
from carpet_shop.inventory import ledger
from carpet_shop.inventory.models import MovementKind
from carpet_shop.inventory.repository import StockRepository
from carpet_shop.notifications import triggers as notify
from carpet_shop.numbering.repository import GOODS_RECEIPT, DocumentCounterRepository
from carpet_shop.payables.opening import open_for_receipt
from carpet_shop.purchase_orders import errors as order_errors
from carpet_shop.purchase_orders import service as orders_service
from carpet_shop.purchase_orders.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)
from carpet_shop.purchase_orders.repository import PurchaseOrderRepository
from carpet_shop.suppliers.models import Supplier

ENTITY = "goods_receipt"
AUDITED_FIELDS = (
    "number",
    "purchase_order_id",
    "supplier_id",
    "branch_id",
    "received_on",
    "status",
    "on_credit",
    "due_date",
    "allow_over_receipt",
    "rate",
    "total_uzs",
    "total_usd",
)
ZERO = Decimal("0")


# Cost


def cost_rule(session: Session) -> CostRule:
    return PurchaseSettingsRepository(session).cost_rule()


def set_cost_rule(session: Session, actor: Actor, clock: Clock, rule: CostRule) -> CostRule:
    old = cost_rule(session)
    PurchaseSettingsRepository(session).set_cost_rule(rule, clock.now())
    if old != rule:
        audit.log(
            session,
            actor,
            clock,
            AuditAction.UPDATE,
            "purchase_settings",
            None,
            {"cost_rule": {"old": old.value, "new": rule.value}},
        )
    return rule


def weighted_average(
    on_hand: Decimal, old_cost: Decimal | None, received: Decimal, cost: Decimal
) -> Decimal:
    """(on hand × its cost + received × cost) / (on hand + received), half up to the tiyin;
    the received cost alone when nothing is on hand or its cost is unknown."""
    if on_hand <= 0 or old_cost is None:
        return cost
    total = on_hand * old_cost + received * cost
    return (total / (on_hand + received)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _size_row(session: Session, product: Product, size: str) -> ProductSize:
    row = session.get(ProductSize, {"product_id": product.id, "size": size})
    if row is None:
        # Removed from the product since its goods came in: nothing left to price.
        raise errors.size_gone(product.name, size)
    return row


def _current_cost(session: Session, product: Product, size: str | None) -> Decimal | None:
    """What the size costs now: its own buy price, else by area or the product's (as sales
    price it)."""
    if size is None:
        return product.buy_price
    row = _size_row(session, product, size)
    return size_price(
        row.buy_price, product.buy_price_per_m2, row.width, row.height, product.price_step,
        product.buy_price, meter=product.type == ProductType.METER,
    )  # fmt: skip


def _on_hand(session: Session, product: Product, size: str | None) -> Decimal:
    repo = StockRepository(session)
    if size is None:
        locked = repo.lock_product(product.id)
        return ZERO if locked is None else locked.stock
    row = repo.size_row(product.id, size)
    return ZERO if row is None else stock_of(product.type, row[0], row[1])


def _set_cost(
    session: Session,
    product: Product,
    size: str | None,
    rule: CostRule,
    on_hand: Decimal,
    received: Decimal,
    cost: Decimal,
) -> Decimal:
    """Give the size (or the product without sizes) its new buy price by the rule."""
    new = cost
    if rule == CostRule.WEIGHTED_AVERAGE:
        new = weighted_average(on_hand, _current_cost(session, product, size), received, cost)
    if size is not None:
        _size_row(session, product, size).buy_price = new
    if size is None or product.buy_price is None:
        # A product priced for the first time can now be sold (sales need its buy price).
        product.buy_price = new
    return new


# Reading


def get_receipt(session: Session, receipt_id: uuid.UUID) -> GoodsReceipt:
    receipt = GoodsReceiptRepository(session).get(receipt_id)
    if receipt is None:
        raise NotFound.of("Goods receipt", receipt_id)
    return receipt


def read_receipt(session: Session, scope: BranchScope, receipt_id: uuid.UUID) -> GoodsReceipt:
    receipt = get_receipt(session, receipt_id)
    GoodsReceiptRepository(session).check_readable(scope, receipt)
    return receipt


def list_receipts(
    session: Session,
    scope: BranchScope,
    page: PageParams,
    *,
    supplier_id: uuid.UUID | None = None,
    purchase_order_id: uuid.UUID | None = None,
    window: Window | None = None,
) -> tuple[Sequence[GoodsReceipt], int]:
    repo = GoodsReceiptRepository(session)
    stmt = repo.listing(
        repo.readable(scope),
        supplier_id=supplier_id,
        purchase_order_id=purchase_order_id,
        window=window,
    )
    return repo.paginate(stmt, page)


# Receiving


@dataclass
class _Line:
    """One line worked out: where its stock goes and what it cost."""

    product: Product  # the receiving branch's
    size: str | None
    quantity: Decimal
    order_line: PurchaseOrderLine | None
    buy_price: Decimal | None
    currency: Currency


def _check_seller(actor: Actor, data: ReceiptCreate) -> None:
    if actor.is_admin:
        return
    if data.branch_id != actor.branch_id:
        raise errors.seller_branch()
    if data.allow_over_receipt:
        raise errors.seller_over_receipt()
    if {"on_credit", "due_date"} & data.model_fields_set:
        raise errors.seller_terms()
    for item in data.lines:
        if {"buy_price", "currency"} & item.model_fields_set:
            raise errors.seller_price()


def _order_for(session: Session, data: ReceiptCreate, supplier: Supplier) -> PurchaseOrder | None:
    if data.purchase_order_id is None:
        return None
    order = PurchaseOrderRepository(session).lock(data.purchase_order_id)
    if order is None:
        raise ValidationFailed.field(
            "purchase_order_id",
            Message("No purchase order {order_id}", order_id=data.purchase_order_id),
        )
    if order.branch_id != data.branch_id:
        raise ValidationFailed.field("branch_id", "The purchase order is for another branch")
    if order.supplier_id != supplier.id:
        raise ValidationFailed.field("supplier_id", "The purchase order is from another supplier")
    receivable = orders_service.RECEIVABLE
    if order.status not in receivable or (
        order.status == PurchaseOrderStatus.RECEIVED and not data.allow_over_receipt
    ):
        if order.status == PurchaseOrderStatus.RECEIVED:
            raise Conflict(
                Message("Purchase order {number} is received in full", number=order.number),
                details={"status": order.status.value, "reason": "over_receipt"},
            )
        raise order_errors.not_in_status(order, "receive")
    return order


def _order_line(
    order: PurchaseOrder, product: Product, item: ReceiptLineIn, n: int
) -> PurchaseOrderLine:
    """The order line a receipt line fills: same product, and the size named (left out: the
    product's only line on the order)."""
    candidates = [line for line in order.lines if line.product_id == product.id]
    if not candidates:
        raise ValidationFailed.field(
            f"lines.{n}.product_id",
            Message("{name} is not on purchase order {number}", name=product.name,
                    number=order.number),
        )  # fmt: skip
    if item.size:
        try:
            size: str | None = parse_size(item.size)[0]
        except ValueError as exc:
            raise ValidationFailed.field(f"lines.{n}.size", str(exc)) from exc
        for line in candidates:
            if line.size == size:
                return line
        raise ValidationFailed.field(
            f"lines.{n}.size",
            Message("No such size of this product: one of {sizes}",
                    sizes=", ".join(line.size or "-" for line in candidates)),
        )  # fmt: skip
    if len(candidates) == 1:
        return candidates[0]
    raise ValidationFailed.field(
        f"lines.{n}.size",
        Message("Say which size: one of {sizes}",
                sizes=", ".join(line.size or "-" for line in candidates)),
    )  # fmt: skip


def _in_branch(
    session: Session, actor: Actor, clock: Clock, product: Product, branch_id: uuid.UUID
) -> Product:
    if product.branch_id == branch_id:
        return product
    return catalog_service.matching_in_branch(session, actor, clock, product, branch_id)


def _amounts(line: GoodsReceiptLine, rate: Decimal | None) -> None:
    """A costed line's so'm price and amounts: the dollar price × the day's rate, half up to
    the tiyin; the amount is quantity × price in the line's currency (half up to the cent or
    tiyin), and its so'm amount that dollar amount × the rate."""
    assert line.buy_price is not None
    amount = (line.quantity * line.buy_price).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    line.amount = amount
    if line.currency == Currency.USD:
        assert rate is not None
        line.buy_price_uzs = usd_to_uzs(line.buy_price, rate)
        line.amount_uzs = usd_to_uzs(amount, rate)
    else:
        line.buy_price_uzs = line.buy_price
        line.amount_uzs = amount
    if max(line.amount, line.amount_uzs) > MAX_MONEY:
        raise errors.amount_too_large(line.position - 1)


def _totals(receipt: GoodsReceipt) -> bool:
    """The receipt's status and totals from its lines; whether every line has its cost."""
    if any(line.buy_price is None for line in receipt.lines):
        receipt.status = GoodsReceiptStatus.AWAITING_COST
        receipt.total_uzs = None
        receipt.total_usd = None
        return False
    receipt.status = GoodsReceiptStatus.COMPLETE
    receipt.total_uzs = sum((line.amount_uzs or ZERO for line in receipt.lines), ZERO)
    usd = [line.amount or ZERO for line in receipt.lines if line.currency == Currency.USD]
    receipt.total_usd = sum(usd, ZERO) if usd else None
    return True


def _rate(session: Session, day: Any, needed: bool, field: str) -> Decimal | None:
    if not needed:
        return None
    rate = CurrencyRateRepository(session).rate_on(day)
    if rate is None:
        raise errors.no_rate(day, field)
    return rate


def _audit_lines(receipt: GoodsReceipt) -> list[dict[str, Any]]:
    return [
        {
            "product_id": str(line.product_id),
            "size": line.size,
            "quantity": str(line.quantity),
            "currency": line.currency.value,
            "buy_price": None if line.buy_price is None else str(line.buy_price),
            "buy_price_uzs": None if line.buy_price_uzs is None else str(line.buy_price_uzs),
        }
        for line in receipt.lines
    ]


def create_receipt(
    session: Session, actor: Actor, clock: Clock, data: ReceiptCreate, *, tz: ZoneInfo
) -> GoodsReceipt:
    _check_seller(actor, data)
    supplier = orders_service.live_supplier(session, data.supplier_id)
    orders_service.live_branch(session, data.branch_id)
    if data.on_credit and data.due_date is None:
        raise ValidationFailed.field("due_date", "A receipt on credit needs its due date")
    today = shop_today(clock, tz)
    if data.on_credit and data.due_date is not None and data.due_date < today:
        raise ValidationFailed.field("due_date", "The due date cannot be before today")
    order = _order_for(session, data, supplier)
    branches_service.lock_branches(session, (data.branch_id,))

    lines: list[_Line] = []
    seen: set[tuple[uuid.UUID, str | None]] = set()
    for n, item in enumerate(data.lines):
        given = catalog_service.get_product(session, item.product_id)
        order_line = None
        if order is not None:
            order_line = _order_line(order, given, item, n)
            size, _ = catalog_service.incoming_size(
                session, given, order_line.size, f"lines.{n}.size"
            ) if order_line.size is not None else (None, False)  # fmt: skip
        else:
            size, _ = catalog_service.incoming_size(session, given, item.size, f"lines.{n}.size")
        orders_service.check_quantity(given.type, item.quantity, given.name, f"lines.{n}.quantity")
        if (given.id, size) in seen:
            raise ValidationFailed.field(
                f"lines.{n}.product_id", "This product and size is listed twice"
            )
        seen.add((given.id, size))
        if item.buy_price is not None:
            price: Decimal | None = item.buy_price
            default = order_line.currency if order_line is not None else supplier.currency
            currency = item.currency or default
        elif order_line is not None:
            # The order's price is a number in the order line's currency: another currency
            # with no price of its own would relabel it (100 dollars read as 100 so'm).
            if item.currency is not None and item.currency != order_line.currency:
                raise errors.currency_without_price(n, order_line.currency)
            price, currency = order_line.buy_price, order_line.currency
        elif actor.is_admin:
            raise ValidationFailed.field(f"lines.{n}.buy_price", "Give the buy price")
        else:
            price, currency = None, supplier.currency
        product = _in_branch(session, actor, clock, given, data.branch_id)
        lines.append(_Line(product, size, item.quantity, order_line, price, currency))

    dollar_lines = [
        n for n, x in enumerate(lines) if x.currency == Currency.USD and x.buy_price is not None
    ]
    field = f"lines.{dollar_lines[0]}.currency" if dollar_lines else "lines"
    rate = _rate(session, today, bool(dollar_lines), field)
    receipt_id = new_id()
    rule = cost_rule(session)
    stock = StockRepository(session)
    receipt_lines: dict[int, GoodsReceiptLine] = {}
    # In product order, as sales take stock, so concurrent documents lock rows in one order.
    for n in sorted(range(len(lines)), key=lambda n: (str(lines[n].product.id), n)):
        line = lines[n]
        if line.order_line is not None:
            _fill_order_line(session, order, line, n, allow_over=data.allow_over_receipt)
        # The product's row is held from here on: the stock on hand the cost rule reads is
        # the stock the receipt adds to.
        if not stock.hold_product(line.product.id):
            raise NotFound.of("Product", line.product.id)
        if line.size is not None and line.size not in ProductRepository(session).sizes_now(
            line.product.id
        ):
            catalog_service.add_size(session, actor, clock, line.product, line.size)
        on_hand = _on_hand(session, line.product, line.size)
        ledger.put(
            session,
            clock,
            [ledger.StockLine(line.product, line.quantity, line.size)],
            MovementKind.RECEIPT,
            ledger.Document(ENTITY, receipt_id),
            actor.id,
            data.note,
        )
        receipt_line = GoodsReceiptLine(
            position=n + 1,
            purchase_order_line_id=line.order_line.id if line.order_line else None,
            product_id=line.product.id,
            size=line.size,
            quantity=line.quantity,
            currency=line.currency,
            buy_price=line.buy_price,
            buy_price_uzs=None,
            amount=None,
            amount_uzs=None,
        )
        if line.buy_price is not None:
            _amounts(receipt_line, rate)
            assert receipt_line.buy_price_uzs is not None
            _set_cost(session, line.product, line.size, rule, on_hand, line.quantity,
                      receipt_line.buy_price_uzs)  # fmt: skip
        receipt_lines[n] = receipt_line

    now = clock.now()
    receipt = GoodsReceipt(
        id=receipt_id,
        number=DocumentCounterRepository(session).next_number(GOODS_RECEIPT),
        purchase_order_id=order.id if order else None,
        supplier_id=supplier.id,
        branch_id=data.branch_id,
        received_on=today,
        on_credit=data.on_credit,
        # Only a receipt on credit has a due date.
        due_date=data.due_date if data.on_credit else None,
        allow_over_receipt=data.allow_over_receipt,
        rate=rate,
        note=data.note,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    receipt.lines = [receipt_lines[n] for n in range(len(lines))]
    _totals(receipt)
    GoodsReceiptRepository(session).add(receipt)
    if order is not None:
        _order_status(session, actor, clock, order)
    changes = audit.created(audit.snapshot(receipt, AUDITED_FIELDS))
    changes["lines"] = {"old": None, "new": _audit_lines(receipt)}
    audit.log(session, actor, clock, AuditAction.CREATE, ENTITY, receipt.id, changes)
    if receipt.status == GoodsReceiptStatus.AWAITING_COST:
        notify.receipt_needs_cost(session, clock, receipt, actor.user.full_name, actor.id)
    elif receipt.on_credit:
        assert receipt.due_date is not None
        open_for_receipt(session, actor, clock, receipt, receipt.due_date)
    return receipt


def _fill_order_line(
    session: Session, order: PurchaseOrder | None, line: _Line, n: int, *, allow_over: bool
) -> None:
    assert order is not None and line.order_line is not None
    ordered = line.order_line
    if not PurchaseOrderRepository(session).receive_line(
        ordered.id, line.quantity, allow_over=allow_over
    ):
        received = PurchaseOrderRepository(session).received_quantity(ordered.id)
        raise errors.over_receipt(
            order.number, line.product.name, ordered.size, ordered.quantity,
            received, line.quantity, n,
        )  # fmt: skip
    # Keep the loaded line in step with its row, as loaded state (not a change to write).
    set_committed_value(ordered, "received_quantity", ordered.received_quantity + line.quantity)


def _order_status(session: Session, actor: Actor, clock: Clock, order: PurchaseOrder) -> None:
    new = orders_service.status_after_receipt(order)
    if new == order.status:
        return
    old = order.status
    order.status = new
    order.updated_at = clock.now()
    audit.log(
        session,
        actor,
        clock,
        AuditAction.UPDATE,
        orders_service.ENTITY,
        order.id,
        {"status": {"old": old.value, "new": new.value}},
    )


# The director's costs for a seller's receipt


def set_costs(
    session: Session, actor: Actor, clock: Clock, receipt_id: uuid.UUID, data: CostsIn
) -> GoodsReceipt:
    """Price the lines a seller received without a cost. Each sets its size's buy price by
    the rule, as if its goods came in now: the stock on hand is what the size has beyond the
    line's own quantity. When every line has its cost the receipt is complete, and a receipt
    on credit opens its payable."""
    receipt = GoodsReceiptRepository(session).lock(receipt_id)
    if receipt is None:
        raise NotFound.of("Goods receipt", receipt_id)
    if receipt.status != GoodsReceiptStatus.AWAITING_COST:
        raise errors.not_awaiting_cost(receipt.number)
    session.refresh(receipt, ["lines"])
    by_id = {line.id: line for line in receipt.lines}
    # The receipt names its supplier already: one deleted since still gets its goods priced.
    supplier = session.get_one(Supplier, receipt.supplier_id)
    before = audit.snapshot(receipt, AUDITED_FIELDS)
    if "on_credit" in data.model_fields_set or "due_date" in data.model_fields_set:
        receipt.on_credit = bool(data.on_credit)
        receipt.due_date = data.due_date if receipt.on_credit else None
    if receipt.on_credit and receipt.due_date is None:
        raise ValidationFailed.field("due_date", "A receipt on credit needs its due date")
    rule = cost_rule(session)
    seen: set[uuid.UUID] = set()
    priced: list[tuple[int, GoodsReceiptLine]] = []
    for n, item in enumerate(data.lines):
        line = by_id.get(item.line_id)
        if line is None:
            raise ValidationFailed.field(f"lines.{n}.line_id", "Not a line of this goods receipt")
        if line.buy_price is not None or line.id in seen:
            raise ValidationFailed.field(f"lines.{n}.line_id", "This line has its cost already")
        seen.add(line.id)
        line.currency = item.currency or supplier.currency
        line.buy_price = item.buy_price
        priced.append((n, line))
    dollar_lines = [n for n, line in priced if line.currency == Currency.USD]
    needs_rate = bool(dollar_lines)
    field = f"lines.{dollar_lines[0]}.currency" if dollar_lines else "lines"
    rate = _rate(session, receipt.received_on, needs_rate, field) or receipt.rate
    if needs_rate:
        receipt.rate = rate
    stock = StockRepository(session)
    for _, line in priced:
        _amounts(line, rate)
        product = catalog_service.get_product(session, line.product_id)
        if not stock.hold_product(product.id):
            raise NotFound.of("Product", product.id)
        on_hand = max(_on_hand(session, product, line.size) - line.quantity, ZERO)
        assert line.buy_price_uzs is not None
        _set_cost(session, product, line.size, rule, on_hand, line.quantity, line.buy_price_uzs)
    complete = _totals(receipt)
    receipt.updated_at = clock.now()
    session.flush()
    changes = audit.diff(before, audit.snapshot(receipt, AUDITED_FIELDS))
    changes["costs"] = {"old": None, "new": _audit_lines(receipt)}
    audit.log(session, actor, clock, AuditAction.UPDATE, ENTITY, receipt.id, changes)
    if complete and receipt.on_credit:
        assert receipt.due_date is not None
        open_for_receipt(session, actor, clock, receipt, receipt.due_date)
    return receipt
