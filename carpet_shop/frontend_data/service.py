"""The React app's local state, checked whole, then imported in one transaction.

Every record is checked before anything is written; with any error nothing is (a dry run
answers the same report and writes nothing either way). Each imported record's app id is
kept (`FrontendRecord`), so a second run skips what the first imported. Branches and users
already in the shop (same name, same username) are used, not doubled.

Sales keep their dates, amounts and extra profit; their standard price is what the app
charged less the extra profit, and the director's profit follows from the product's buy
price, as for a sale made here. Their stock goes through the ledger: a product enters with
its current stock plus what the imported sales took, which they then take again, so the
ledger adds up to the app's figures. Debts keep their deadline, total and what was paid
(recorded as one payment).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carpet_shop.analytics import service as analytics_service
from carpet_shop.audit import service as audit
from carpet_shop.audit.models import AuditAction
from carpet_shop.branches import service as branches_service
from carpet_shop.branches.models import Branch
from carpet_shop.branches.schemas import BranchCreate
from carpet_shop.catalog import master
from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.models import Category, Collection, Product, ProductType
from carpet_shop.catalog.schemas import ProductCreate
from carpet_shop.catalog.sizes import cut_size
from carpet_shop.catalog.text import parse_size
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock, shop_today
from carpet_shop.core.errors import AppError, Conflict, ValidationFailed
from carpet_shop.core.i18n import Message, translate
from carpet_shop.core.ids import new_id
from carpet_shop.core.security import PasswordHasher
from carpet_shop.customers import service as customers_service
from carpet_shop.customers.phone import InvalidPhone, normalize_phone
from carpet_shop.debts.models import Debt, DebtPaymentType, Payment
from carpet_shop.debts.status import status_of
from carpet_shop.frontend_data.models import FrontendRecord
from carpet_shop.frontend_data.schemas import (
    AppDebt,
    AppProduct,
    AppSale,
    FrontendData,
    MigrationProblem,
    MigrationReport,
)
from carpet_shop.inventory import ledger
from carpet_shop.inventory.models import MovementKind
from carpet_shop.sales.models import PaymentType, Sale, SaleItem, SalePayment
from carpet_shop.users import service as users_service
from carpet_shop.users.models import Role
from carpet_shop.users.schemas import UserCreate

CENT = Decimal("0.01")
NOTE = "Imported from the app's local data"
_CATEGORIES = {c.value.lower(): c for c in Category}


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass
class _Plan:
    known: dict[tuple[str, str], uuid.UUID]
    # Message ids with their values, said in the caller's language in the report.
    problems: list[tuple[str, str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Resolved ids of records already in the shop (by app id, name or username).
    branch_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    user_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    product_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    new: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    skipped: int = 0

    def problem(self, entity: str, source_id: str, name: str, message: str) -> None:
        self.problems.append((entity, source_id, name, message))


def _known(session: Session) -> dict[tuple[str, str], uuid.UUID]:
    return {(r.kind, r.source_id): r.entity_id for r in session.scalars(select(FrontendRecord))}


def _remember(
    session: Session, clock: Clock, kind: str, source_id: str, entity_id: uuid.UUID
) -> None:
    session.add(
        FrontendRecord(kind=kind, source_id=source_id, entity_id=entity_id, created_at=clock.now())
    )


def _check(session: Session, data: FrontendData) -> _Plan:
    plan = _Plan(_known(session))
    branch_names = {
        b.name.strip().lower(): b.id
        for b in session.scalars(select(Branch).where(Branch.deleted_at.is_(None)))
    }
    new_branches: set[str] = set()
    for b in data.branches:
        found = plan.known.get(("branch", b.id)) or branch_names.get(b.name.lower())
        if found is not None:
            plan.branch_ids[b.id] = found
            plan.skipped += ("branch", b.id) in plan.known
            continue
        new_branches.add(b.id)
        plan.new["branches"].append(b)

    def branch_ok(ref: str | None) -> bool:
        return ref is None or ref in plan.branch_ids or ref in new_branches

    new_users: set[str] = set()
    for u in data.users:
        found = plan.known.get(("user", u.id))
        existing = users_service.find_for_login(session, u.username)
        if found is not None or existing is not None:
            plan.user_ids[u.id] = found or existing.id  # type: ignore[union-attr]
            plan.skipped += found is not None
            continue
        if u.role == "seller" and u.branch_id is None:
            plan.problem("users", u.id, "branch_id", "A seller belongs to a branch")
        elif not branch_ok(u.branch_id):
            plan.problem("users", u.id, "branch_id", _no("branch", u.branch_id))
        if u.password is not None and len(u.password) < 6:
            plan.problem("users", u.id, "password", "At least 6 characters")
        new_users.add(u.id)
        plan.new["users"].append(u)

    collections = {c.name.strip().lower(): c.id for c in session.scalars(select(Collection))}
    new_products: set[str] = set()
    for p in data.products:
        found = plan.known.get(("product", p.id))
        if found is not None:
            plan.product_ids[p.id] = found
            plan.skipped += 1
            continue
        if p.category.lower() not in _CATEGORIES:
            plan.problem(
                "products",
                p.id,
                "category",
                Message("One of: {choices}", choices=", ".join(c.value for c in Category)),
            )
        collection_id = collections.get(p.collection.lower())
        if collection_id is None:
            plan.problem(
                "products",
                p.id,
                "collection",
                Message("No collection {collection}: add it first", collection=repr(p.collection)),
            )
        if not branch_ok(p.branch_id):
            plan.problem("products", p.id, "branch_id", _no("branch", p.branch_id))
        if p.sell_price is None and p.sell_price_per_meter is None:
            plan.problem("products", p.id, "sell_price", "A sell price is required")
        if p.type == "unit" and p.quantity != p.quantity.to_integral_value():
            plan.problem("products", p.id, "quantity", "Pieces are whole numbers")
        try:
            sizes = [parse_size(s)[0] for s in p.available_sizes]
        except ValueError as exc:
            plan.problem("products", p.id, "available_sizes", _reason(exc))
        else:
            if collection_id is not None and sizes:
                unknown = master.unknown_sizes(session, sizes, collection_id)
                if unknown:
                    plan.problem(
                        "products",
                        p.id,
                        "available_sizes",
                        Message(
                            "Not sizes of {collection}: {sizes}",
                            collection=p.collection,
                            sizes=", ".join(unknown),
                        ),
                    )
        new_products.add(p.id)
        plan.new["products"].append(p)

    for s in data.sales:
        if ("sale", s.id) in plan.known:
            plan.skipped += 1
            continue
        if s.product_id not in new_products and s.product_id not in plan.product_ids:
            plan.problem("sales", s.id, "product_id", _no("product", s.product_id))
        if s.seller_id not in new_users and s.seller_id not in plan.user_ids:
            plan.problem("sales", s.id, "seller_id", _no("user", s.seller_id))
        plan.new["sales"].append(s)

    for d in data.debts:
        if ("debt", d.id) in plan.known:
            plan.skipped += 1
            continue
        try:
            normalize_phone(d.customer_phone)
        except InvalidPhone as exc:
            plan.problem("debts", d.id, "customer_phone", _reason(exc))
        if not branch_ok(d.branch_id) or d.branch_id is None:
            plan.problem("debts", d.id, "branch_id", _no("branch", d.branch_id))
        if (
            d.seller_id is not None
            and d.seller_id not in new_users
            and d.seller_id not in plan.user_ids
        ):
            plan.problem("debts", d.id, "seller_id", _no("user", d.seller_id))
        if _remaining(d) > d.total_amount:
            plan.problem("debts", d.id, "remaining_amount", "More than the debt's total")
        plan.new["debts"].append(d)
    return plan


def _no(kind: str, ref: str | None) -> Message:
    if kind == "branch":
        return Message("No branch {ref} in the data", ref=ref)
    if kind == "product":
        return Message("No product {ref} in the data", ref=ref)
    return Message("No user {ref} in the data", ref=ref)


def _reason(exc: ValueError) -> str:
    """A checker's message id as it raised it (a Message keeps its values)."""
    reason = exc.args[0] if exc.args else None
    return reason if isinstance(reason, str) else str(exc)


def _remaining(d: AppDebt) -> Decimal:
    if d.remaining_amount is not None:
        return d.remaining_amount
    return d.total_amount - (d.paid_amount or Decimal(0))


def _report(plan: _Plan, *, dry_run: bool) -> MigrationReport:
    return MigrationReport(
        dry_run=dry_run,
        users_imported=len(plan.new["users"]),
        branches_imported=len(plan.new["branches"]),
        products_imported=len(plan.new["products"]),
        sales_imported=len(plan.new["sales"]),
        debts_imported=len(plan.new["debts"]),
        already_imported=plan.skipped,
        errors=[
            MigrationProblem(entity=entity, id=source_id, field=name, message=translate(message))
            for entity, source_id, name, message in plan.problems
        ],
        warnings=[translate(w) for w in plan.warnings],
    )


def migrate(
    session: Session,
    actor: Actor,
    clock: Clock,
    hasher: PasswordHasher,
    data: FrontendData,
    *,
    dry_run: bool,
    tz: ZoneInfo,
) -> MigrationReport:
    plan = _check(session, data)
    for u in plan.new["users"]:
        if u.password is None:
            plan.warnings.append(
                Message(
                    "User {username} had no password: a random one was set; reset it",
                    username=u.username,
                )
            )
    if dry_run:
        return _report(plan, dry_run=True)
    if plan.problems:
        raise ValidationFailed(
            Message("{count} problems in the data; nothing was imported", count=len(plan.problems)),
            details={
                "fields": [
                    {"field": f"{entity}[{source_id}].{name}", "message": message}
                    for entity, source_id, name, message in plan.problems
                ],
                "report": _report(plan, dry_run=False).model_dump(mode="json"),
            },
        )
    try:
        _write(session, actor, clock, hasher, plan, tz)
    except AppError as exc:
        raise ValidationFailed(
            Message(
                "The data cannot be imported: {reason}; nothing was imported", reason=exc.message
            ),
            details={"fields": [{"field": "data", "message": exc.message}], **exc.details},
        ) from exc
    return _report(plan, dry_run=False)


def _write(
    session: Session, actor: Actor, clock: Clock, hasher: PasswordHasher, plan: _Plan, tz: ZoneInfo
) -> None:
    import secrets

    for b in plan.new["branches"]:
        branch = branches_service.create_branch(
            session, actor, clock, BranchCreate(name=b.name, address=b.address, phone=b.phone)
        )
        plan.branch_ids[b.id] = branch.id
        _remember(session, clock, "branch", b.id, branch.id)
    for u in plan.new["users"]:
        user = users_service.create_user(
            session,
            actor,
            clock,
            hasher,
            UserCreate(
                username=u.username,
                password=u.password or secrets.token_urlsafe(18),
                full_name=u.full_name,
                role=Role(u.role),
                branch_id=plan.branch_ids[u.branch_id] if u.branch_id else None,
                can_add_products=u.can_add_products,
            ),
        )
        plan.user_ids[u.id] = user.id
        _remember(session, clock, "user", u.id, user.id)
    sold: dict[str, Decimal] = defaultdict(Decimal)
    for s in plan.new["sales"]:
        sold[s.product_id] += s.quantity
    products: dict[str, Product] = {}
    for p in plan.new["products"]:
        product = _create_product(session, actor, clock, plan, p, sold[p.id])
        products[p.id] = product
        plan.product_ids[p.id] = product.id
        _remember(session, clock, "product", p.id, product.id)
    for s in plan.new["sales"]:
        product = products.get(s.product_id) or catalog_service.get_product(
            session, plan.product_ids[s.product_id]
        )
        sale_id = _write_sale(session, actor, clock, plan, s, product, tz)
        _remember(session, clock, "sale", s.id, sale_id)
    today = shop_today(clock, tz)
    for d in plan.new["debts"]:
        debt_id = _write_debt(session, actor, clock, plan, d, today, tz)
        _remember(session, clock, "debt", d.id, debt_id)
    session.flush()


def _create_product(
    session: Session, actor: Actor, clock: Clock, plan: _Plan, p: AppProduct, sold: Decimal
) -> Product:
    meter = p.type == "meter"
    stock = (p.remaining_length if meter and p.remaining_length is not None else p.quantity) + sold
    values: dict[str, Any] = {
        "name": p.name,
        "category": _CATEGORIES[p.category.lower()],
        "collection": p.collection,
        "type": ProductType(p.type),
        "buy_price": p.buy_price,
        "sell_price": p.sell_price,
        "sell_price_per_meter": p.sell_price_per_meter if meter else None,
        "available_sizes": [parse_size(s)[0] for s in p.available_sizes],
        "branch_id": plan.branch_ids[p.branch_id],
    }
    if meter:
        values["total_length"] = stock
    else:
        values["quantity"] = int(stock)
    return catalog_service.create_product(
        session, actor, clock, ProductCreate.model_validate(values)
    )


def _when(value: datetime | date, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return datetime.combine(value, time(12), tzinfo=tz)


def _write_sale(
    session: Session,
    actor: Actor,
    clock: Clock,
    plan: _Plan,
    s: AppSale,
    product: Product,
    tz: ZoneInfo,
) -> uuid.UUID:
    q = s.quantity
    if product.buy_price is None:
        # A product of the shop's that still waits for its cost: its sales cannot be costed.
        raise Conflict(
            Message(
                "{name} has no buy price yet: the director prices it before it is sold",
                name=product.name,
            ),
            details={"reason": "cost_unknown", "product_id": str(product.id)},
        )
    # What the app charged less its extra profit; without a profit, today's list price.
    standard = product.standard_price if s.profit is None else _cents((s.amount - s.profit) / q)
    extra = s.amount - _cents(standard * q)
    cost = _cents(product.buy_price * q)
    director = _cents((standard - product.buy_price) * q) + min(extra, Decimal(0))
    when = _when(s.date, tz)
    sale_id = new_id()
    sale = Sale(
        id=sale_id,
        receipt_number=f"APP-{sale_id.hex[-12:].upper()}",
        branch_id=product.branch_id,
        seller_id=plan.user_ids[s.seller_id],
        note=NOTE,
        date=when,
        created_at=clock.now(),
        amount=s.amount,
        profit=extra,
        director_profit=director,
        cost=cost,
    )
    session.add(sale)
    session.flush()
    # The app kept one stock per product: its sales come from the size that stock was put
    # on (the first, like a product created with one quantity; README, "Sizes as stock").
    size = product.available_sizes[0] if product.available_sizes else None
    cut = None
    if size is not None and product.type == ProductType.METER:
        roll = next((r for r in product.size_rows if r.size == size), None)
        cut = None if roll is None else cut_size(roll.width, q)
    item = SaleItem(
        sale_id=sale_id,
        position=0,
        product_id=product.id,
        size=size,
        cut_size=cut,
        quantity=q,
        amount=s.amount,
        list_price=standard,
        standard_price=standard,
        buy_price=product.buy_price,
        extra_profit=extra,
        director_profit=director,
    )
    payment = SalePayment(
        sale_id=sale_id, position=0, payment_type=PaymentType(s.payment_type), amount=s.amount
    )
    session.add_all([item, payment])
    session.flush()
    ledger.take(
        session,
        clock,
        [ledger.StockLine(product, q, size)],
        MovementKind.SALE,
        ledger.Document("sale", sale_id),
        actor.id,
        NOTE,
    )
    analytics_service.record_sale(session, sale, [item], [payment], tz)
    audit.log(
        session,
        actor,
        clock,
        AuditAction.CREATE,
        "sale",
        sale_id,
        {"imported_from_app": {"old": None, "new": s.id}},
    )
    return sale_id


def _write_debt(
    session: Session, actor: Actor, clock: Clock, plan: _Plan, d: AppDebt, today: date, tz: ZoneInfo
) -> uuid.UUID:
    customer = customers_service.find_or_create(
        session, actor, clock, d.customer_name, d.customer_phone
    )
    remaining = _remaining(d)
    paid = d.total_amount - remaining
    opened = _when(d.created_at, tz) if d.created_at else clock.now()
    debt = Debt(
        customer_id=customer.id,
        branch_id=plan.branch_ids[d.branch_id],
        seller_id=plan.user_ids[d.seller_id] if d.seller_id else actor.id,
        created_by_id=actor.id,
        total_amount=d.total_amount,
        remaining_amount=remaining,
        returned_amount=Decimal(0),
        payment_deadline=d.payment_deadline,
        status=status_of(remaining, d.payment_deadline, today),
        note=NOTE,
        created_at=opened,
        updated_at=clock.now(),
    )
    session.add(debt)
    session.flush()
    if paid > 0:
        session.add(
            Payment(
                debt_id=debt.id,
                amount=paid,
                payment_type=DebtPaymentType.CASH,
                note="Paid before the import (the app's figure)",
                payment_date=opened,
                recorded_by=actor.id,
                created_at=clock.now(),
            )
        )
    audit.log(
        session,
        actor,
        clock,
        AuditAction.CREATE,
        "debt",
        debt.id,
        {"imported_from_app": {"old": None, "new": d.id}},
    )
    return debt.id


def count_records(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(FrontendRecord)) or 0)
