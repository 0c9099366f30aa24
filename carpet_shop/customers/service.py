"""The customer registry: one person per phone number, shared by every branch.

Sellers and the director register and correct customers; only the director deletes and
restores them. Other services call `find_or_create` when a sale or debt names a customer by
name and phone instead of by id.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict, NotFound, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import BranchScope
from carpet_shop.customers.models import Customer
from carpet_shop.customers.names import same_person
from carpet_shop.customers.phone import InvalidPhone, normalize_phone
from carpet_shop.customers.repository import CustomerRepository
from carpet_shop.customers.schemas import CustomerCreate, CustomerHit, CustomerUpdate

ENTITY = "customer"
AUDITED_FIELDS = ("name", "phone", "note")


def _owner(customer: Customer) -> dict[str, str]:
    return {"id": str(customer.id), "name": customer.name, "phone": customer.phone}


def _phone_conflict(existing: Customer, field: str = "phone") -> Conflict:
    return Conflict(
        Message(
            "Phone {phone} already belongs to {name}", phone=existing.phone, name=existing.name
        ),
        details={"field": field, "customer_id": str(existing.id), "customer": _owner(existing)},
    )


def get_customer(
    session: Session, customer_id: uuid.UUID, *, include_deleted: bool = False
) -> Customer:
    repo = CustomerRepository(session)
    customer = repo.get(customer_id) if include_deleted else repo.get_live(customer_id)
    if customer is None:
        raise NotFound.of("Customer", customer_id)
    return customer


def find_by_phone(session: Session, phone: str) -> Customer | None:
    """The live customer with this number, in any accepted spelling; None if none or invalid."""
    try:
        canonical = normalize_phone(phone)
    except InvalidPhone:
        return None
    return CustomerRepository(session).find_live_by_phone(canonical)


def list_customers(
    session: Session, page: PageParams, *, q: str | None = None, include_deleted: bool = False
) -> tuple[Sequence[Customer], int]:
    repo = CustomerRepository(session)
    return repo.paginate(repo.search(q=q, include_deleted=include_deleted), page)


def _register(
    session: Session, actor: Actor, clock: Clock, name: str, phone: str, note: str | None
) -> Customer | None:
    """Insert and audit a new customer; None if the phone was taken meanwhile."""
    now = clock.now()
    customer = Customer(
        name=name,
        phone=phone,
        note=note,
        registered_branch_id=actor.branch_id,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    if not CustomerRepository(session).insert(customer):
        return None
    audit.log_created(session, actor, clock, ENTITY, customer, AUDITED_FIELDS)
    return customer


def create_customer(session: Session, actor: Actor, clock: Clock, data: CustomerCreate) -> Customer:
    repo = CustomerRepository(session)
    existing = repo.find_live_by_phone(data.phone)
    if existing is not None:
        raise _phone_conflict(existing)
    customer = _register(session, actor, clock, data.name, data.phone, data.note)
    if customer is None:
        winner = repo.find_live_by_phone(data.phone)
        raise _phone_conflict(winner) if winner else Conflict("The phone is already taken")
    return customer


def find_or_create(session: Session, actor: Actor, clock: Clock, name: str, phone: str) -> Customer:
    """The customer with this phone, registering them under `name` if there is none.

    For sales and debts that carry a name and phone but no customer id. An existing
    customer keeps the name in the registry (a seller's spelling does not overwrite it).
    An unusable phone is a 422 on `customer_phone`, the field those requests use.
    """
    try:
        canonical = normalize_phone(phone)
    except InvalidPhone as exc:
        raise ValidationFailed.field("customer_phone", str(exc)) from exc
    name = name.strip()
    if not name:
        raise ValidationFailed.field("customer_name", "The customer's name is required")
    repo = CustomerRepository(session)
    existing = repo.find_live_by_phone(canonical)
    if existing is not None:
        return existing
    created = _register(session, actor, clock, name[:120], canonical, None)
    if created is not None:
        return created
    # Another request registered the same phone between our read and our insert.
    winner = repo.find_live_by_phone(canonical)
    if winner is None:  # pragma: no cover - the unique index refused for another reason
        raise Conflict("The customer could not be registered; try again")
    return winner


@dataclass(frozen=True)
class CustomerRef:
    """Who a sale or debt request names as its customer: checked, nothing written yet.

    Either a registered customer (named by id) or a name and a canonical phone, each of which
    may be missing where the customer is optional (a cash sale to a walk-in).
    """

    customer: Customer | None = None
    name: str | None = None
    phone: str | None = None

    @property
    def identified(self) -> bool:
        return self.customer is not None or (self.name is not None and self.phone is not None)


def reference(
    session: Session,
    customer_id: uuid.UUID | None,
    name: str | None,
    phone: str | None,
    *,
    required: bool,
) -> CustomerRef:
    """Check the customer fields of a request (`customer_id`, or `customer_name` and
    `customer_phone`) without writing anything: the caller registers a new customer with
    `resolve` only once everything else it checks has passed.

    422 on the field at fault: an id together with a name or phone, an unknown id, an
    unusable phone, or (when `required`) each missing field.
    """
    if customer_id is not None:
        if name is not None or phone is not None:
            raise ValidationFailed.field(
                "customer_id", "Give customer_id, or customer_name and customer_phone, not both"
            )
        try:
            return CustomerRef(customer=get_customer(session, customer_id))
        except NotFound as exc:
            raise ValidationFailed.field("customer_id", exc.message) from exc
    name = (name.strip() or None) if name is not None else None
    if phone is not None:
        try:
            phone = normalize_phone(phone)
        except InvalidPhone as exc:
            raise ValidationFailed.field("customer_phone", str(exc)) from exc
    if name is not None and phone is not None:
        owner = CustomerRepository(session).find_live_by_phone(phone)
        if owner is not None and not same_person(name, owner.name):
            # Never booked silently to the phone's owner: the app asks, and resends with
            # customer_id if it is them (see customers.names).
            raise _phone_conflict(owner, "customer_phone")
    ref = CustomerRef(name=name, phone=phone)
    if required and not ref.identified:
        message = "Give customer_id, or both customer_name and customer_phone"
        missing = [f for f, v in (("customer_name", name), ("customer_phone", phone)) if v is None]
        raise ValidationFailed(
            message, details={"fields": [{"field": f, "message": message} for f in missing]}
        )
    return ref


def resolve(session: Session, actor: Actor, clock: Clock, ref: CustomerRef) -> Customer | None:
    """The customer a checked reference names: the one given by id, or the one with its phone
    (registered under its name if new); None when it names nobody completely."""
    if ref.customer is not None:
        return ref.customer
    if ref.name is None or ref.phone is None:
        return None
    return find_or_create(session, actor, clock, ref.name, ref.phone)


def update_customer(
    session: Session, actor: Actor, clock: Clock, customer_id: uuid.UUID, data: CustomerUpdate
) -> Customer:
    repo = CustomerRepository(session)
    customer = get_customer(session, customer_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("phone") is not None:
        taken = repo.phone_taken(changes["phone"], except_id=customer.id)
        if taken is not None:
            raise _phone_conflict(taken)
    before = audit.snapshot(customer, AUDITED_FIELDS)
    updates = {f: changes[f] for f in ("name", "phone") if changes.get(f) is not None}
    if "note" in changes:
        updates["note"] = changes["note"]
    if all(before[f] == v for f, v in updates.items()):
        return customer

    def apply() -> None:
        for field, value in updates.items():
            setattr(customer, field, value)
        customer.updated_at = clock.now()

    if not repo.change_unique(apply):
        raise Conflict("The phone is already taken", details={"field": "phone"})
    audit.log_updated(session, actor, clock, ENTITY, customer, before)
    return customer


def soft_delete(session: Session, actor: Actor, clock: Clock, customer: Customer) -> None:
    """Hide the customer (the caller has checked nothing depends on them)."""
    now = clock.now()
    CustomerRepository(session).soft_delete(customer, by=actor.id, at=now)
    audit.log_deleted(session, actor, clock, ENTITY, customer.id, now)


def restore_customer(
    session: Session, actor: Actor, clock: Clock, customer_id: uuid.UUID
) -> Customer:
    repo = CustomerRepository(session)
    customer = get_customer(session, customer_id, include_deleted=True)
    if customer.deleted_at is None:
        raise Conflict("This customer is not deleted")
    taken = repo.phone_taken(customer.phone, except_id=customer.id)
    if taken is not None:
        raise _phone_conflict(taken)
    deleted_at = customer.deleted_at
    repo.restore(customer)
    customer.updated_at = clock.now()
    audit.log_restored(session, actor, clock, ENTITY, customer.id, deleted_at)
    return customer


def search(session: Session, scope: BranchScope, q: str, limit: int) -> list[CustomerHit]:
    """Search provider for the global /api/search.

    `scope` is accepted for the providers' common signature but not applied: the registry is
    shop-wide, and a name and phone carry no branch's figures.
    """
    q = q.strip()
    if not q or limit <= 0:
        return []
    return [
        CustomerHit(id=c.id, title=c.name, subtitle=c.phone)
        for c in CustomerRepository(session).hits(q, limit)
    ]
