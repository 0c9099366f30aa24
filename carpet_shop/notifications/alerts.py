"""Inventory alert rules (specification 1D): a product's own LOW_STOCK or OUT_OF_STOCK level,
or the alert turned off for it. The director, or a seller who edits products, for their
branch. `EXPIRED` is left out: carpets do not expire (README)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carpet_shop.audit import service as audit
from carpet_shop.catalog.models import Product, ProductType
from carpet_shop.catalog.repository import ProductRepository
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.errors import Conflict, NotFound, ValidationFailed
from carpet_shop.core.i18n import Message
from carpet_shop.core.pagination import PageParams
from carpet_shop.core.repository import BranchScope, BranchScopedMixin, Repository
from carpet_shop.notifications.models import InventoryAlert
from carpet_shop.notifications.schemas import AlertCreate, AlertUpdate

ENTITY = "inventory_alert"
AUDITED_FIELDS = ("product_id", "size", "branch_id", "alert_type", "threshold", "is_active")


class AlertRepository(BranchScopedMixin, Repository[InventoryAlert]):
    model = InventoryAlert
    branch_column = InventoryAlert.branch_id

    def listing(self, scope: BranchScope, product_id: uuid.UUID | None) -> Select[Any]:
        stmt: Select[Any] = select(InventoryAlert, Product.name).join(  # type: ignore[assignment]
            Product, Product.id == InventoryAlert.product_id
        )
        if product_id is not None:
            stmt = stmt.where(InventoryAlert.product_id == product_id)
        return self.scoped(stmt, scope).order_by(Product.name, InventoryAlert.alert_type)


@dataclass(frozen=True)
class AlertView:
    alert: InventoryAlert
    product_name: str


def _product(session: Session, product_id: uuid.UUID) -> Product:
    product = ProductRepository(session).get_live(product_id)
    if product is None:
        raise NotFound.of("Product", product_id)
    return product


def _check_threshold(product: Product, threshold: Decimal) -> None:
    if product.type == ProductType.UNIT and threshold != threshold.to_integral_value():
        raise ValidationFailed.field("threshold", "Whole pieces for a unit product")


def list_alerts(
    session: Session, scope: BranchScope, page: PageParams, product_id: uuid.UUID | None
) -> tuple[list[AlertView], int]:
    repo = AlertRepository(session)
    stmt = repo.listing(scope, product_id)
    rows = session.execute(stmt.limit(page.page_size).offset(page.offset)).all()
    return [AlertView(a, name) for a, name in rows], repo.count(stmt)


def _get(session: Session, actor: Actor, alert_id: uuid.UUID) -> AlertView:
    alert = AlertRepository(session).get(alert_id)
    if alert is None:
        raise NotFound.of("Alert", alert_id)
    actor.scope().check(alert.branch_id)
    product = _product(session, alert.product_id)
    return AlertView(alert, product.name)


def read_alert(session: Session, actor: Actor, alert_id: uuid.UUID) -> AlertView:
    return _get(session, actor, alert_id)


def create_alert(session: Session, actor: Actor, clock: Clock, data: AlertCreate) -> AlertView:
    product = _product(session, data.product_id)
    actor.scope().check(product.branch_id)
    _check_threshold(product, data.threshold)
    now = clock.now()
    alert = InventoryAlert(
        product_id=product.id,
        size="",
        branch_id=product.branch_id,
        alert_type=data.alert_type,
        threshold=data.threshold,
        is_active=data.is_active,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(alert)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            Message(
                "{name} already has a {alert_type} rule; change that one",
                name=product.name,
                alert_type=data.alert_type.value,
            )
        ) from exc
    audit.log_created(session, actor, clock, ENTITY, alert, AUDITED_FIELDS)
    return AlertView(alert, product.name)


def update_alert(
    session: Session, actor: Actor, clock: Clock, alert_id: uuid.UUID, data: AlertUpdate
) -> AlertView:
    view = _get(session, actor, alert_id)
    before = audit.snapshot(view.alert, AUDITED_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("threshold") is not None:
        product = _product(session, view.alert.product_id)
        _check_threshold(product, changes["threshold"])
        view.alert.threshold = changes["threshold"]
    if changes.get("is_active") is not None:
        view.alert.is_active = changes["is_active"]
    view.alert.updated_at = clock.now()
    session.flush()
    audit.log_updated(session, actor, clock, ENTITY, view.alert, before)
    return view


def delete_alert(session: Session, actor: Actor, clock: Clock, alert_id: uuid.UUID) -> None:
    view = _get(session, actor, alert_id)
    before = audit.snapshot(view.alert, AUDITED_FIELDS)
    session.delete(view.alert)
    session.flush()
    audit.log_removed(session, actor, clock, ENTITY, view.alert.id, before)
