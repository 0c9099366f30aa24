"""Demo data from the specification's seed section, with CONTRACT.md's logins. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from carpet_shop.auth.policy import AuthPolicy
from carpet_shop.branches import service as branches_service
from carpet_shop.branches.models import Branch
from carpet_shop.branches.schemas import BranchCreate
from carpet_shop.catalog import demo as catalog_demo
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import ALL_BRANCHES
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


def seed_demo(session: Session, clock: Clock, policy: AuthPolicy) -> DemoFoundation:
    foundation = seed_foundation(session, clock, policy)
    catalog_demo.seed_catalog(session, clock, foundation.admin, foundation.branches)
    return foundation
