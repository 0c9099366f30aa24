"""What the shop owes suppliers: reading payables, paying them, and a supplier's money.

Payables are opened by goods receipts on credit (`opening.py`); here they are read and paid.
A payment has the guarantees of a customer's debt payment (debts/payments.py): one
conditional UPDATE takes it off what remains, so concurrent payments never take a payable
below zero, and a retried request with the same Idempotency-Key finds its payment instead of
paying twice. A payment in the other currency is converted at the shop day's USD rate
(currency/conversion.py: half up to the tiyin or the cent); the payment keeps what left the
till, the rate, and the amount in the payable's currency.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.core.errors import NotFound, ValidationFailed
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.types import MAX_MONEY
from carpet_shop.currency.conversion import convert
from carpet_shop.currency.models import Currency
from carpet_shop.currency.repository import CurrencyRateRepository
from carpet_shop.payables import errors
from carpet_shop.payables.models import Payable, SupplierPayment
from carpet_shop.payables.repository import (
    PayableFilters,
    PayableRepository,
    SupplierPaymentRepository,
    SupplierReadRepository,
)
from carpet_shop.payables.schemas import (
    CurrencyBalance,
    CurrencyStatement,
    OrderBrief,
    PayableDetail,
    PayableRead,
    ReceiptBrief,
    StatementRow,
    SupplierBalance,
    SupplierCard,
    SupplierPaymentCreate,
    SupplierPaymentRead,
    SupplierStatement,
    SupplierSummary,
)
from carpet_shop.payables.status import is_overdue_now
from carpet_shop.suppliers.models import Supplier

ENTITY = "supplier_payment"
ZERO = Decimal("0")
RECENT = 10


@dataclass(frozen=True)
class PaymentOutcome:
    payment: SupplierPayment
    payable: Payable
    # True when an Idempotency-Key matched an earlier payment: nothing new was recorded.
    replayed: bool = False


def _payable(session: Session, payable_id: uuid.UUID) -> Payable:
    payable = PayableRepository(session).get(payable_id)
    if payable is None:
        raise NotFound.of("Payable", payable_id)
    return payable


def read_all(session: Session, payables: Sequence[Payable], today: date) -> list[PayableRead]:
    """The payables as answered: with their supplier's name and receipt's number."""
    repo = PayableRepository(session)
    names = repo.supplier_names(list({p.supplier_id for p in payables}))
    receipts = repo.receipts(list({p.goods_receipt_id for p in payables}))
    return [
        PayableRead.of(
            p,
            names.get(p.supplier_id, ""),
            (receipts[p.goods_receipt_id].number, receipts[p.goods_receipt_id].received_on),
            today,
        )
        for p in payables
    ]


def list_payables(
    session: Session, filters: PayableFilters, page: PageParams, today: date
) -> tuple[list[PayableRead], int]:
    repo = PayableRepository(session)
    rows, total = repo.paginate(repo.listing(filters, today), page)
    return read_all(session, rows, today), total


def get_payable(session: Session, payable_id: uuid.UUID, today: date) -> PayableDetail:
    payable = _payable(session, payable_id)
    (read,) = read_all(session, [payable], today)
    payments = SupplierPaymentRepository(session).of_payable(payable.id)
    return PayableDetail(
        **read.model_dump(),
        payments=[SupplierPaymentRead.model_validate(p) for p in payments],
    )


def _replay(
    existing: SupplierPayment, payable: Payable, data: SupplierPaymentCreate, paid: Currency
) -> PaymentOutcome:
    same = (existing.paid_amount, existing.paid_currency, existing.payment_type, existing.note)
    if same != (data.amount, paid, data.payment_type, data.note):
        raise errors.key_reused(existing.id)
    return PaymentOutcome(existing, payable, replayed=True)


def _in_payable_currency(
    session: Session, payable: Payable, data: SupplierPaymentCreate, paid: Currency, today: date
) -> tuple[Decimal, Decimal | None]:
    """The payment in the payable's currency, and the rate used (None: same currency)."""
    if paid == payable.currency:
        return data.amount, None
    rate = CurrencyRateRepository(session).rate_on(today)
    if rate is None:
        raise errors.no_rate(today)
    amount = convert(data.amount, paid, payable.currency, rate)
    if amount <= ZERO:
        raise errors.too_small(data.amount, paid)
    if amount > MAX_MONEY:
        # More than any payable holds, and more than the database's column takes.
        raise errors.exceeds_remaining(amount, payable.remaining_amount, payable.currency)
    return amount, rate


def record_payment(
    session: Session,
    actor: Actor,
    clock: Clock,
    payable_id: uuid.UUID,
    data: SupplierPaymentCreate,
    *,
    idempotency_key: str | None = None,
    tz: ZoneInfo,
) -> PaymentOutcome:
    payables, payments = PayableRepository(session), SupplierPaymentRepository(session)
    payable = _payable(session, payable_id)
    paid_currency = data.currency or payable.currency
    if idempotency_key is not None:
        # Serialise retries of one payable so the second sees the first's payment. The lock
        # is only for the key lookup; the conditional UPDATE below still guards the amount.
        payables.lock(payable.id)
        existing = payments.by_key(payable.id, idempotency_key)
        if existing is not None:
            return _replay(existing, payable, data, paid_currency)
    today, now = shop_today(clock, tz), clock.now()
    amount, rate = _in_payable_currency(session, payable, data, paid_currency, today)
    if not payables.pay(payable.id, amount, today, now):
        payables.refresh(payable)
        raise errors.exceeds_remaining(amount, payable.remaining_amount, payable.currency)
    payables.refresh(payable)
    payment = payments.add(
        SupplierPayment(
            payable_id=payable.id,
            supplier_id=payable.supplier_id,
            amount=amount,
            paid_currency=paid_currency,
            paid_amount=data.amount,
            rate=rate,
            payment_type=data.payment_type,
            note=data.note,
            paid_at=now,
            recorded_by=actor.id,
            idempotency_key=idempotency_key,
            created_at=now,
        )
    )
    audit.log(
        session,
        actor,
        clock,
        AuditAction.CREATE,
        ENTITY,
        payment.id,
        {
            "payable_id": {"old": None, "new": str(payable.id)},
            "supplier_id": {"old": None, "new": str(payable.supplier_id)},
            "amount": {"old": None, "new": str(amount)},
            "currency": {"old": None, "new": payable.currency.value},
            "paid_amount": {"old": None, "new": str(data.amount)},
            "paid_currency": {"old": None, "new": paid_currency.value},
            "rate": {"old": None, "new": str(rate) if rate is not None else None},
            "payment_type": {"old": None, "new": data.payment_type.value},
            "remaining_amount": {
                "old": str(payable.remaining_amount + amount),
                "new": str(payable.remaining_amount),
            },
        },
    )
    return PaymentOutcome(payment, payable)


# A supplier's money


def _supplier(session: Session, supplier_id: uuid.UUID) -> Supplier:
    supplier = SupplierReadRepository(session).get(supplier_id)
    if supplier is None:
        raise NotFound.of("Supplier", supplier_id)
    return supplier


def _balance(supplier: Supplier, payables: Sequence[Payable], today: date) -> SupplierBalance:
    owed: dict[Currency, Decimal] = defaultdict(Decimal)
    overdue: dict[Currency, Decimal] = defaultdict(Decimal)
    open_count: dict[Currency, int] = defaultdict(int)
    overdue_count: dict[Currency, int] = defaultdict(int)
    for p in payables:
        if p.remaining_amount <= ZERO:
            continue
        owed[p.currency] += p.remaining_amount
        open_count[p.currency] += 1
        if is_overdue_now(p.remaining_amount, p.due_date, today):
            overdue[p.currency] += p.remaining_amount
            overdue_count[p.currency] += 1
    return SupplierBalance(
        supplier_id=supplier.id,
        supplier_name=supplier.name,
        today=today,
        balances=[
            CurrencyBalance(
                currency=c,
                owed=owed[c],
                overdue=overdue[c],
                open_count=open_count[c],
                overdue_count=overdue_count[c],
            )
            for c in (Currency.UZS, Currency.USD)
        ],
    )


def supplier_balance(session: Session, supplier_id: uuid.UUID, today: date) -> SupplierBalance:
    supplier = _supplier(session, supplier_id)
    return _balance(supplier, PayableRepository(session).of_supplier(supplier.id), today)


@dataclass(frozen=True)
class _Entry:
    day: date
    order: int  # receipts before payments on the same day
    kind: str
    payable: Payable
    payment: SupplierPayment | None
    amount: Decimal


def supplier_statement(
    session: Session,
    supplier_id: uuid.UUID,
    date_from: date | None,
    date_to: date,
    *,
    tz: ZoneInfo,
) -> SupplierStatement:
    """Per currency: the balance before `date_from`, then each receipt taken on credit and
    each payment from `date_from` to `date_to` (shop days) with the balance after it."""
    if date_from is not None and date_from > date_to:
        raise ValidationFailed.field("date_to", "date_to is before date_from")
    supplier = _supplier(session, supplier_id)
    repo = PayableRepository(session)
    payables = repo.of_supplier(supplier.id)
    receipts = repo.receipts([p.goods_receipt_id for p in payables])
    by_id = {p.id: p for p in payables}
    entries: list[_Entry] = [
        _Entry(receipts[p.goods_receipt_id].received_on, 0, "receipt", p, None, p.total_amount)
        for p in payables
    ]
    for payment in SupplierPaymentRepository(session).of_supplier(supplier.id):
        day = payment.paid_at.astimezone(tz).date()
        entries.append(
            _Entry(day, 1, "payment", by_id[payment.payable_id], payment, payment.amount)
        )
    entries.sort(key=lambda e: (e.day, e.order, e.payable.created_at, e.payable.id.hex))
    statements = []
    for currency in (Currency.UZS, Currency.USD):
        opening = ZERO
        rows: list[StatementRow] = []
        balance = ZERO
        increase_sum = decrease_sum = ZERO
        for e in (e for e in entries if e.payable.currency == currency):
            signed = e.amount if e.kind == "receipt" else -e.amount
            if e.day > date_to:
                continue
            if date_from is not None and e.day < date_from:
                opening += signed
                continue
            if not rows:
                balance = opening
            balance += signed
            increase = e.amount if e.kind == "receipt" else ZERO
            decrease = ZERO if e.kind == "receipt" else e.amount
            increase_sum += increase
            decrease_sum += decrease
            rows.append(
                StatementRow(
                    day=e.day,
                    kind=e.kind,
                    document=receipts[e.payable.goods_receipt_id].number,
                    payable_id=e.payable.id,
                    goods_receipt_id=e.payable.goods_receipt_id,
                    payment_id=e.payment.id if e.payment is not None else None,
                    increase=increase,
                    decrease=decrease,
                    balance=balance,
                )
            )
        statements.append(
            CurrencyStatement(
                currency=currency,
                opening_balance=opening,
                rows=rows,
                total_increase=increase_sum,
                total_decrease=decrease_sum,
                closing_balance=opening + increase_sum - decrease_sum,
            )
        )
    return SupplierStatement(
        supplier_id=supplier.id,
        supplier_name=supplier.name,
        date_from=date_from,
        date_to=date_to,
        currencies=statements,
    )


def supplier_card(session: Session, supplier_id: uuid.UUID, today: date) -> SupplierCard:
    supplier = _supplier(session, supplier_id)
    reads = SupplierReadRepository(session)
    payables = PayableRepository(session).of_supplier(supplier.id)
    payments = SupplierPaymentRepository(session).of_supplier(supplier.id, RECENT)
    return SupplierCard(
        supplier=SupplierSummary.model_validate(supplier),
        recent_orders=[
            OrderBrief.model_validate(o) for o in reads.recent_orders(supplier.id, RECENT)
        ],
        recent_receipts=[
            ReceiptBrief.model_validate(r) for r in reads.recent_receipts(supplier.id, RECENT)
        ],
        recent_payments=[SupplierPaymentRead.model_validate(p) for p in payments],
        balance=_balance(supplier, payables, today),
    )
