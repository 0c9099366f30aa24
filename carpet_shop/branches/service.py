"""Branches of the shop. Only the director creates, changes or removes them."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.branches.models import Branch
from carpet_shop.branches.repository import BranchRepository
from carpet_shop.branches.schemas import BranchCreate, BranchUpdate
from carpet_shop.catalog.repository import ProductRepository
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict, NotFound
from carpet_shop.core.i18n import Message
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import BranchScope
from carpet_shop.users.repository import UserRepository

ENTITY = "branch"
AUDITED_FIELDS = ("name", "code", "address", "phone")


def lock_branches(session: Session, branch_ids: Iterable[uuid.UUID]) -> None:
    """Lock branch rows (deleted or not) until the transaction ends, always in the same order
    so that two transactions locking overlapping sets cannot deadlock. PostgreSQL only:
    SQLite's write transaction already excludes other writers."""
    repo = BranchRepository(session)
    for branch_id in sorted(set(branch_ids)):
        repo.lock(branch_id)


def get_branch(session: Session, branch_id: uuid.UUID, *, include_deleted: bool = False) -> Branch:
    repo = BranchRepository(session)
    branch = repo.get(branch_id) if include_deleted else repo.get_live(branch_id)
    if branch is None:
        raise NotFound.of("Branch", branch_id)
    return branch


def read_branch(session: Session, scope: BranchScope, branch_id: uuid.UUID) -> Branch:
    branch = get_branch(session, branch_id)
    scope.check(branch.id)
    return branch


def list_branches(
    session: Session, scope: BranchScope, page: PageParams, *, include_deleted: bool = False
) -> tuple[Sequence[Branch], int]:
    repo = BranchRepository(session)
    return repo.paginate(repo.visible(scope, include_deleted=include_deleted), page)


def _code_from_name(repo: BranchRepository, name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    letters = re.sub(r"[^A-Za-z]", "", ascii_name).upper() or "BR"
    base = letters[:2]
    candidate, n = base, 1
    while repo.code_taken(candidate):
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _check_free(
    repo: BranchRepository,
    *,
    name: str | None,
    code: str | None,
    except_id: uuid.UUID | None = None,
) -> None:
    if name is not None and repo.name_taken(name, except_id=except_id):
        raise Conflict(
            Message("A branch named {name!r} already exists", name=name), details={"field": "name"}
        )
    if code is not None and repo.code_taken(code, except_id=except_id):
        raise Conflict(
            Message("Branch code {code!r} is already used", code=code), details={"field": "code"}
        )


def create_branch(session: Session, actor: Actor, clock: Clock, data: BranchCreate) -> Branch:
    repo = BranchRepository(session)
    _check_free(repo, name=data.name, code=data.code)
    now = clock.now()
    branch = repo.add(
        Branch(
            name=data.name,
            code=data.code or _code_from_name(repo, data.name),
            address=data.address,
            phone=data.phone,
            created_at=now,
            updated_at=now,
        )
    )
    audit.log_created(session, actor, clock, ENTITY, branch, AUDITED_FIELDS)
    return branch


def update_branch(
    session: Session, actor: Actor, clock: Clock, branch_id: uuid.UUID, data: BranchUpdate
) -> Branch:
    repo = BranchRepository(session)
    branch = get_branch(session, branch_id)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items()}
    _check_free(repo, name=changes.get("name"), code=changes.get("code"), except_id=branch.id)
    before = audit.snapshot(branch, AUDITED_FIELDS)
    for field in ("name", "code"):
        if changes.get(field) is not None:
            setattr(branch, field, changes[field])
    for field in ("address", "phone"):
        if field in changes:
            setattr(branch, field, changes[field])
    branch.updated_at = clock.now()
    repo.flush()
    audit.log_updated(session, actor, clock, ENTITY, branch, before)
    return branch


def delete_branch(session: Session, actor: Actor, clock: Clock, branch_id: uuid.UUID) -> None:
    repo = BranchRepository(session)
    branch = get_branch(session, branch_id)
    active_users = UserRepository(session).count_active_in_branch(branch.id)
    if active_users:
        raise Conflict(
            "The branch still has active users; move or deactivate them first",
            details={"active_users": active_users},
        )
    live_products = ProductRepository(session).count_live_in_branch(branch.id)
    if live_products:
        raise Conflict(
            "The branch still has products; transfer or delete them first",
            details={"products": live_products},
        )
    now = clock.now()
    repo.soft_delete(branch, by=actor.id, at=now)
    audit.log_deleted(session, actor, clock, ENTITY, branch.id, now)


def restore_branch(session: Session, actor: Actor, clock: Clock, branch_id: uuid.UUID) -> Branch:
    repo = BranchRepository(session)
    branch = get_branch(session, branch_id, include_deleted=True)
    if branch.deleted_at is None:
        raise Conflict("This branch is not deleted")
    _check_free(repo, name=branch.name, code=branch.code, except_id=branch.id)
    deleted_at = branch.deleted_at
    repo.restore(branch)
    branch.updated_at = clock.now()
    audit.log_restored(session, actor, clock, ENTITY, branch.id, deleted_at)
    return branch
