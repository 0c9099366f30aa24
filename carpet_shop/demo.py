"""Demo data from the specification's seed section, with CONTRACT.md's logins. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.branches import service as branches_service
from carpet_shop.branches.models import Branch
from carpet_shop.branches.schemas import BranchCreate
from carpet_shop.catalog import demo as catalog_demo
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock, FrozenClock, shop_today
from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import ALL_BRANCHES
from carpet_shop.customers import service as customers_service
from carpet_shop.debts import jobs as debt_jobs
from carpet_shop.debts import service as debts_service
from carpet_shop.debts.models import DebtPaymentType
from carpet_shop.debts.schemas import DebtCreate, PaymentCreate
from carpet_shop.goods_receipts import demo as purchases_demo
from carpet_shop.sales import demo as sales_demo
from carpet_shop.suppliers import demo as suppliers_demo
from carpet_shop.users import service as users_service
from carpet_shop.users.models import Role, User
from carpet_shop.users.schemas import UserCreate

SEED_META = RequestMeta(ip_address=None, user_agent="carpet-shop seed")

BRANCHES = [
    (
        "Chilonzor filiali",
        "CH",
        "Toshkent, Chilonzor tumani, Bunyodkor ko'chasi 12",
        "+998712000001",
    ),
    ("Sergeli filiali", "SE", "Toshkent, Sergeli tumani, Yangi Sergeli 5", "+998712000002"),
    ("Yunusobod filiali", "YU", "Toshkent, Yunusobod tumani, Amir Temur 108", "+998712000003"),
]
SELLERS = [
    ("seller1", "seller123", "Dilshod Karimov", "Chilonzor filiali", True),
    ("seller2", "seller123", "Nodira Yusupova", "Sergeli filiali", False),
]


@dataclass
class DemoFoundation:
    admin: Actor
    branches: dict[str, Branch]
    sellers: dict[str, User]


def ensure_admin(
    session: Session, clock: Clock, policy: AuthPolicy, username: str, password: str, full_name: str
) -> User:
    existing = users_service.find_for_login(session, username)
    if existing is not None:
        return existing
    # The first admin has nobody to act for them; the row records itself as the actor.
    bootstrap = User(role=Role.ADMIN, username=username)
    return users_service.create_user(
        session,
        Actor(user=bootstrap, meta=SEED_META),
        clock,
        policy.hasher,
        UserCreate(username=username, password=password, full_name=full_name, role=Role.ADMIN),
    )


def seed_foundation(session: Session, clock: Clock, policy: AuthPolicy) -> DemoFoundation:
    admin = ensure_admin(session, clock, policy, "admin", "admin123", "Direktor")
    actor = Actor(user=admin, meta=SEED_META)
    existing, _ = branches_service.list_branches(session, ALL_BRANCHES, PageParams(page_size=200))
    branches = {b.name: b for b in existing}
    for name, code, address, phone in BRANCHES:
        if name not in branches:
            branches[name] = branches_service.create_branch(
                session,
                actor,
                clock,
                BranchCreate(name=name, code=code, address=address, phone=phone),
            )
    sellers: dict[str, User] = {}
    for username, password, full_name, branch_name, can_add in SELLERS:
        user = users_service.find_for_login(session, username)
        if user is None:
            user = users_service.create_user(
                session,
                actor,
                clock,
                policy.hasher,
                UserCreate(
                    username=username,
                    password=password,
                    full_name=full_name,
                    role=Role.SELLER,
                    branch_id=branches[branch_name].id,
                    can_add_products=can_add,
                ),
            )
        sellers[username] = user
    return DemoFoundation(admin=actor, branches=branches, sellers=sellers)


# (who records it, branch, customer, phone, total, deadline in days from today, payments).
# A negative deadline is an overdue debt, recorded as if 40 days ago.
DEBTS: list[tuple[str, str, str, str, int, int, list[tuple[int, DebtPaymentType]]]] = [
    ("seller1", "Chilonzor filiali", "Aziz Rahimov", "+998901234567", 4_500_000, 30,
     [(1_500_000, DebtPaymentType.CASH)]),
    ("seller1", "Chilonzor filiali", "Dilnoza Karimova", "+998935550011", 2_800_000, 10, []),
    ("seller1", "Chilonzor filiali", "Aziz Rahimov", "+998901234567", 1_200_000, 20,
     [(1_200_000, DebtPaymentType.CARD)]),
    ("seller2", "Sergeli filiali", "Bobur Toshmatov", "+998977770022", 3_200_000, 45,
     [(800_000, DebtPaymentType.CARD), (400_000, DebtPaymentType.TRANSFER)]),
    ("seller2", "Sergeli filiali", "Malika Yusupova", "+998991112233", 1_900_000, -5,
     [(500_000, DebtPaymentType.CASH)]),
    ("admin", "Yunusobod filiali", "Sardor Aliyev", "+998946667788", 6_000_000, 60, []),
]  # fmt: skip


def seed_debts(session: Session, clock: Clock, demo: DemoFoundation, tz: ZoneInfo) -> None:
    """5+ debts across the branches: some partly paid, one paid off, one overdue."""
    if customers_service.find_by_phone(session, DEBTS[0][3]) is not None:
        return  # already seeded
    today = shop_today(clock, tz)
    for username, branch, name, phone, total, days, payments in DEBTS:
        actor = demo.admin if username == "admin" else Actor(demo.sellers[username], SEED_META)
        # The service refuses past deadlines, as it should; an overdue demo debt is one that
        # was recorded earlier, so it is recorded with a clock set back.
        made_with = clock if days > 0 else FrozenClock(clock.now() - timedelta(days=40))
        debt = debts_service.create_debt(
            session,
            actor,
            made_with,
            DebtCreate(
                customer_name=name,
                customer_phone=phone,
                total_amount=Decimal(total),
                payment_deadline=today + timedelta(days=days),
                branch_id=demo.branches[branch].id,
                note="Demo",
            ),
            tz=tz,
        )
        for amount, payment_type in payments:
            debts_service.record_payment(
                session,
                actor,
                made_with,
                debt.id,
                PaymentCreate(amount=Decimal(amount), payment_type=payment_type),
                tz=tz,
            )
    # Store the statuses now, as the service's job would at start-up.
    debt_jobs.refresh_statuses(session, clock, tz=tz)


def seed_demo(
    session: Session,
    clock: Clock,
    policy: AuthPolicy,
    tz: ZoneInfo,
    low_stock: LowStockDefaults,
) -> DemoFoundation:
    foundation = seed_foundation(session, clock, policy)
    products = catalog_demo.seed_catalog(session, clock, foundation.admin, foundation.branches)
    # Debts first: their idempotency marker is a customer the credit sale may also register.
    seed_debts(session, clock, foundation, tz)
    sales_demo.seed_sales(session, clock, foundation, products, tz, low_stock)
    # Purchasing: two suppliers, today's dollar rate, an order partly received on credit with
    # its payable part paid, and a receipt paid on delivery.
    suppliers = suppliers_demo.seed_suppliers(
        session, clock, foundation.admin, shop_today(clock, tz)
    )
    branch = next(iter(foundation.branches.values()))
    purchases_demo.seed_purchases(session, clock, foundation.admin, branch, products, suppliers, tz)
    return foundation
