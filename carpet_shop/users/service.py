"""Users: the director manages everyone; a seller may change only their own name and password."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.auth import service as auth_service
from carpet_shop.branches.repository import BranchRepository
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.security import PasswordHasher
from carpet_shop.users.models import Role, User
from carpet_shop.users.repository import UserRepository
from carpet_shop.users.schemas import SELF_EDITABLE_FIELDS, UserCreate, UserUpdate

ENTITY = "user"
AUDITED_FIELDS = (
    "username",
    "full_name",
    "role",
    "branch_id",
    "can_add_products",
    "is_active",
    "password_hash",
    "commission_rate",
)


def _check_role_and_branch(session: Session, role: Role, branch_id: uuid.UUID | None) -> None:
    if role == Role.SELLER:
        if branch_id is None:
            raise ValidationFailed.field("branch_id", "A seller must belong to a branch")
        if not BranchRepository(session).is_live(branch_id):
            raise ValidationFailed.field(
                "branch_id", Message("Branch {branch_id} does not exist", branch_id=branch_id)
            )
    elif branch_id is not None:
        raise ValidationFailed.field("branch_id", "An admin does not belong to a branch")


def _check_commission_rate(role: Role, rate: Decimal) -> None:
    if role == Role.ADMIN and rate != 0:
        raise ValidationFailed.field("commission_rate", "Commissions are for sellers")


def _check_username_free(
    repo: UserRepository, username: str, except_id: uuid.UUID | None = None
) -> None:
    if repo.username_taken(username, except_id=except_id):
        raise Conflict(
            Message("Username {username!r} is already taken", username=username),
            details={"field": "username"},
        )


def _check_keeps_an_admin(repo: UserRepository, user: User, action: str) -> None:
    if user.role == Role.ADMIN and user.is_active and repo.count_active_admins() <= 1:
        raise Conflict(Message("Cannot {action} the last active admin", action=action))


def get_user(session: Session, user_id: uuid.UUID, *, include_deleted: bool = False) -> User:
    repo = UserRepository(session)
    user = repo.get(user_id) if include_deleted else repo.get_live(user_id)
    if user is None:
        raise NotFound.of("User", user_id)
    return user


def find_for_login(session: Session, username: str) -> User | None:
    return UserRepository(session).find_live_by_username(username)


def read_user(session: Session, actor: Actor, user_id: uuid.UUID) -> User:
    if not actor.is_admin and user_id != actor.id:
        raise Forbidden("Sellers can only see their own account")
    return get_user(session, user_id)


def list_users(
    session: Session,
    page: PageParams,
    *,
    include_deleted: bool = False,
    role: Role | None = None,
    branch_id: uuid.UUID | None = None,
    is_active: bool | None = None,
    q: str | None = None,
) -> tuple[Sequence[User], int]:
    repo = UserRepository(session)
    stmt = repo.search(
        include_deleted=include_deleted, role=role, branch_id=branch_id, is_active=is_active, q=q
    )
    return repo.paginate(stmt, page)


def create_user(
    session: Session, actor: Actor, clock: Clock, hasher: PasswordHasher, data: UserCreate
) -> User:
    repo = UserRepository(session)
    _check_username_free(repo, data.username)
    _check_role_and_branch(session, data.role, data.branch_id)
    _check_commission_rate(data.role, data.commission_rate)
    now = clock.now()
    user = repo.add(
        User(
            username=data.username,
            full_name=data.full_name,
            password_hash=hasher.hash(data.password),
            role=data.role,
            branch_id=data.branch_id,
            can_add_products=data.can_add_products if data.role == Role.SELLER else False,
            is_active=data.is_active,
            commission_rate=data.commission_rate,
            created_at=now,
            updated_at=now,
            password_changed_at=now,
        )
    )
    audit.log_created(session, actor, clock, ENTITY, user, AUDITED_FIELDS)
    return user


def update_user(
    session: Session,
    actor: Actor,
    clock: Clock,
    hasher: PasswordHasher,
    user_id: uuid.UUID,
    data: UserUpdate,
) -> User:
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if not actor.is_admin:
        if user_id != actor.id:
            raise Forbidden("Sellers can only change their own account")
        refused = sorted(set(changes) - SELF_EDITABLE_FIELDS)
        if refused:
            raise Forbidden(
                Message("Sellers cannot change {names}", names=", ".join(refused)),
                details={"fields": refused},
            )
    repo = UserRepository(session)
    user = get_user(session, user_id)
    _check_current_password(hasher, actor, user, changes)
    before = audit.snapshot(user, AUDITED_FIELDS)

    for field in ("username", "role", "full_name", "is_active", "commission_rate"):
        if changes.get(field) is None:
            changes.pop(field, None)
    if "username" in changes:
        _check_username_free(repo, changes["username"], except_id=user.id)
    role = changes.get("role", user.role)
    branch_id = changes.get("branch_id", user.branch_id)
    if role == Role.ADMIN and "branch_id" not in changes:
        branch_id = None  # promoting a seller to director detaches them from the branch
    reactivated = changes.get("is_active") is True and not user.is_active
    if role != user.role or branch_id != user.branch_id or reactivated:
        # Reactivating is checked too: the seller's branch may have been deleted meanwhile.
        _check_role_and_branch(session, role, branch_id)
    if user.id == actor.id and (changes.get("is_active") is False or role != user.role):
        raise Conflict("You cannot deactivate or demote your own account")
    if (role != Role.ADMIN or changes.get("is_active") is False) and user.role == Role.ADMIN:
        _check_keeps_an_admin(repo, user, Message("demote or deactivate"))
    # A director earns no commission: promoting a seller clears their rate.
    default_rate = Decimal("0") if role == Role.ADMIN else user.commission_rate
    commission_rate = changes.get("commission_rate", default_rate)
    _check_commission_rate(role, commission_rate)

    now = clock.now()
    password_changed = changes.get("password") is not None
    user.username = changes.get("username", user.username)
    user.full_name = changes.get("full_name", user.full_name)
    user.role = role
    user.branch_id = branch_id
    if "can_add_products" in changes and changes["can_add_products"] is not None:
        user.can_add_products = changes["can_add_products"]
    if role == Role.ADMIN:
        user.can_add_products = False
    user.is_active = changes.get("is_active", user.is_active)
    user.commission_rate = commission_rate
    if password_changed:
        user.password_hash = hasher.hash(changes["password"])
        user.password_changed_at = now
    user.updated_at = now
    repo.flush()

    if password_changed or not user.is_active:
        # Every session ends; one's own change answers a new one for the device in use
        # (auth.service.reissue, from the route).
        auth_service.end_user_sessions(
            session,
            clock,
            user.id,
            reason="password_changed" if password_changed else "deactivated",
        )
    audit.log_updated(session, actor, clock, ENTITY, user, before)
    return user


def changes_own_password(actor: Actor, user: User, data: UserUpdate) -> bool:
    """Whether this update is the caller changing their own password (the session in use
    then gets a fresh token pair: auth.service.reissue)."""
    return user.id == actor.id and data.password is not None


def _check_current_password(
    hasher: PasswordHasher, actor: Actor, user: User, changes: dict[str, Any]
) -> None:
    """One's own password changes only with the current one (ASVS V6.2.3); the director
    resetting someone else's needs none, and sends none."""
    current = changes.pop("current_password", None)
    if user.id != actor.id or changes.get("password") is None:
        if current is not None:
            raise ValidationFailed.field("current_password", "Only when changing your own password")
        return
    if not current:
        raise ValidationFailed.field("current_password", "Give your current password to change it")
    if not hasher.verify(current, user.password_hash):
        raise ValidationFailed.field("current_password", "This is not your current password")


def delete_user(session: Session, actor: Actor, clock: Clock, user_id: uuid.UUID) -> None:
    repo = UserRepository(session)
    user = get_user(session, user_id)
    if user.id == actor.id:
        raise Conflict("You cannot delete your own account")
    _check_keeps_an_admin(repo, user, Message("delete"))
    now = clock.now()
    repo.soft_delete(user, by=actor.id, at=now)
    auth_service.end_user_sessions(session, clock, user.id, reason="deleted")
    audit.log_deleted(session, actor, clock, ENTITY, user.id, now)


def restore_user(session: Session, actor: Actor, clock: Clock, user_id: uuid.UUID) -> User:
    repo = UserRepository(session)
    user = get_user(session, user_id, include_deleted=True)
    if user.deleted_at is None:
        raise Conflict("This user is not deleted")
    _check_username_free(repo, user.username, except_id=user.id)
    if user.branch_id is not None and not BranchRepository(session).is_live(user.branch_id):
        raise Conflict("The user's branch is deleted; restore it first")
    deleted_at = user.deleted_at
    repo.restore(user)
    user.updated_at = clock.now()
    audit.log_restored(session, actor, clock, ENTITY, user.id, deleted_at)
    return user


def unlock_user(session: Session, actor: Actor, clock: Clock, user_id: uuid.UUID) -> User:
    user = get_user(session, user_id)
    before = audit.snapshot(user, ("locked_until", "failed_login_count"))
    user.locked_until = None
    user.failed_login_count = 0
    user.updated_at = clock.now()
    session.flush()
    audit.log_updated(session, actor, clock, ENTITY, user, before)
    return user
