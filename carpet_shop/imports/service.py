"""Product import (additions 8B): preview a CSV or XLSX, then commit exactly that, once.

The preview writes no product: it reads the file (`files.py`), checks every row as the
catalog would (the same `ProductCreate` rules, collections, sizes, branches) and records
the plan. The commit applies the plan's good rows through the catalog's own create and
update, in one transaction: every product with its ledger movement and audit entry, or, if
anything changed since the preview makes one row fail, nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from carpet_shop.branches.models import Branch
from carpet_shop.catalog import master
from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.models import Category, Collection, ProductType
from carpet_shop.catalog.schemas import ProductCreate, ProductUpdate
from carpet_shop.catalog.text import as_uuid, parse_size, search_key
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.dependencies import RequestMeta
from carpet_shop.core.errors import AppError, Conflict, ItemRefused, NotFound, ValidationFailed
from carpet_shop.core.field_messages import field_message_id
from carpet_shop.core.i18n import Message, translate
from carpet_shop.imports import files
from carpet_shop.imports.models import ImportPreview, PreviewStatus
from carpet_shop.imports.repository import PreviewRepository, live_products
from carpet_shop.imports.schemas import (
    PRODUCT_COLUMNS,
    REQUIRED_COLUMNS,
    CommitResult,
    FieldProblem,
    PreviewRead,
    PreviewRow,
    PreviewTotals,
    RowAction,
)
from carpet_shop.users.models import Role, User

KIND = "products"
LIFETIME = timedelta(minutes=30)
MATCH_RULE = (
    "A row updates the live product of its branch with the same name (any case, apostrophes "
    "o‘ o' o` oʻ alike), collection and type: its prices, stock and sizes become the row's. "
    "Otherwise it creates a product. A second row for the same product is an error."
)
Progress = Callable[[int, int], None]
# New products written together (catalog_service.create_products): one flush and one INSERT
# of movements and of audit entries for many rows, while what one flush tracks stays bounded.
CREATE_BATCH = 500

_TYPES = {
    "": ProductType.UNIT,
    "unit": ProductType.UNIT,
    "dona": ProductType.UNIT,
    "piece": ProductType.UNIT,
    "meter": ProductType.METER,
    "metre": ProductType.METER,
    "metraj": ProductType.METER,
    "m": ProductType.METER,
}
_CATEGORIES = {c.value.lower(): c for c in Category}
_SIZE_SPLIT = re.compile(r"[;|,]")
# Pydantic's field names as the file's column names.
_COLUMN_OF = {
    "total_length": "quantity",
    "sell_price_per_meter": "sell_price",
    "available_sizes": "sizes",
    "branch_id": "branch",
    "collection_id": "collection",
}


@dataclass
class _Lookups:
    branches: dict[str, tuple[uuid.UUID, str]]
    collections: dict[str, tuple[uuid.UUID, str]]
    products: dict[tuple[uuid.UUID, str, uuid.UUID, str], uuid.UUID]
    sizes_checked: dict[tuple[uuid.UUID, tuple[str, ...]], list[str]] = field(default_factory=dict)


def _lookups(session: Session) -> _Lookups:
    branches: dict[str, tuple[uuid.UUID, str]] = {}
    for b in session.scalars(select(Branch).where(Branch.deleted_at.is_(None))):
        branches[b.name.strip().lower()] = (b.id, b.name)
        branches[str(b.id)] = (b.id, b.name)
    collections = {
        c.name.strip().lower(): (c.id, c.name) for c in session.scalars(select(Collection))
    }
    ids = list({v[0] for v in branches.values()})
    products = {
        (r.branch_id, r.search_name, r.collection_id, str(r.type)): r.id
        for r in live_products(session, ids)
    }
    return _Lookups(branches, collections, products)


def director(session: Session, username: str | None) -> Actor | None:
    """The director a command-line import is recorded as: by username, or the first one."""
    stmt = select(User).where(
        User.role == Role.ADMIN, User.is_active.is_(True), User.deleted_at.is_(None)
    )
    if username is not None:
        stmt = stmt.where(User.username == username)
    user = session.scalars(stmt.order_by(User.created_at, User.id).limit(1)).first()
    if user is None:
        return None
    return Actor(user=user, meta=RequestMeta(ip_address=None, user_agent="carpet-shop import"))


@dataclass(frozen=True)
class _Problem:
    """What is wrong with a row's field: a message id and its values, kept in the plan as such
    and said in the language of whoever reads the preview."""

    field: str
    message: str

    def kept(self) -> dict[str, Any]:
        if isinstance(self.message, Message):
            values = {
                k: v if isinstance(v, int) else str(v) for k, v in self.message.params.items()
            }
            return {"field": self.field, "message": self.message.template, "values": values}
        return {"field": self.field, "message": str(self.message), "values": {}}


def _said(kept: dict[str, Any]) -> FieldProblem:
    message = Message(kept["message"], **kept.get("values", {}))
    return FieldProblem(field=kept["field"], message=translate(message))


def _money(text: str, name: str, problems: list[_Problem]) -> Decimal | None:
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace("_", "")
    if cleaned.count(",") == 1 and "." not in cleaned and len(cleaned.split(",")[1]) <= 2:
        cleaned = cleaned.replace(",", ".")  # 150000,50: a decimal comma
    cleaned = cleaned.replace(",", "")  # 150,000: thousands
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        problems.append(_Problem(name, Message("Not a number: {text}", text=repr(text))))
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        problems.append(_Problem(name, "At most two decimal places"))
        return None
    return value


def _sizes(text: str, problems: list[_Problem]) -> list[str]:
    sizes = []
    for part in _SIZE_SPLIT.split(text):
        if not part.strip():
            continue
        try:
            sizes.append(parse_size(part.strip())[0])
        except ValueError as exc:
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
            problems.append(_Problem("sizes", reason))
    return list(dict.fromkeys(sizes))


def _check(
    row: files.SheetRow, lookups: _Lookups, session: Session
) -> tuple[dict[str, Any], list[_Problem]]:
    """The row as the values of a product, and what is wrong with it."""
    v = row.values
    problems: list[_Problem] = []
    category = _CATEGORIES.get(v.get("category", "").lower())
    if category is None:
        problems.append(
            _Problem(
                "category",
                Message("One of: {choices}", choices=", ".join(c.value for c in Category)),
            )
        )
    kind = _TYPES.get(v.get("type", "").lower())
    if kind is None:
        problems.append(_Problem("type", "unit (dona) or meter (metraj)"))
    collection = lookups.collections.get(v.get("collection", "").lower())
    if collection is None:
        problems.append(
            _Problem(
                "collection",
                Message(
                    "No collection {collection}: add it first (/api/collections)",
                    collection=repr(v.get("collection", "")),
                ),
            )
        )
    branch_text = v.get("branch", "")
    branch = lookups.branches.get(branch_text.lower()) or lookups.branches.get(
        str(as_uuid(branch_text))
    )
    if branch is None:
        problems.append(_Problem("branch", Message("No branch {branch}", branch=repr(branch_text))))
    buy = _money(v.get("buy_price", ""), "buy_price", problems)
    sell = _money(v.get("sell_price", ""), "sell_price", problems)
    quantity = _money(v.get("quantity", "") or "0", "quantity", problems)
    sizes = _sizes(v.get("sizes", ""), problems)
    if collection is not None and sizes:
        key = (collection[0], tuple(sizes))
        unknown = lookups.sizes_checked.get(key)
        if unknown is None:
            unknown = lookups.sizes_checked[key] = master.unknown_sizes(
                session, sizes, collection[0]
            )
        if unknown:
            problems.append(
                _Problem(
                    "sizes",
                    Message(
                        "Not sizes of this collection: {sizes}; add them under /api/sizes",
                        sizes=", ".join(unknown),
                    ),
                )
            )
    values: dict[str, Any] = {
        "name": v.get("name", ""),
        "category": category,
        "collection_id": collection[0] if collection else None,
        "type": kind,
        "buy_price": buy,
        "available_sizes": sizes,
        "branch_id": branch[0] if branch else None,
    }
    if kind == ProductType.METER:
        values |= {"sell_price_per_meter": sell, "total_length": quantity}
    else:
        values |= {"sell_price": sell, "quantity": quantity}
    if not problems:
        try:
            ProductCreate.model_validate(values)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                name = str(error["loc"][0]) if error["loc"] else "row"
                problems.append(_Problem(_COLUMN_OF.get(name, name), field_message_id(dict(error))))
    return values, problems


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal | uuid.UUID) else v) for k, v in values.items()}


def preview_products(
    session: Session,
    actor: Actor,
    clock: Clock,
    filename: str,
    content: bytes,
    *,
    progress: Progress | None = None,
) -> ImportPreview:
    """Read and check the file; record and answer the plan. No product is written."""
    rows = files.read_table(filename, content, PRODUCT_COLUMNS, REQUIRED_COLUMNS)
    if not rows:
        raise ValidationFailed.field("file", "The file has a header but no product rows")
    lookups = _lookups(session)
    seen: dict[tuple[Any, ...], int] = {}
    planned = []
    counts = {a: 0 for a in RowAction}
    for done, row in enumerate(rows, 1):
        values, problems = _check(row, lookups, session)
        product_id = None
        if not problems:
            key = (
                values["branch_id"],
                search_key(values["name"]),
                values["collection_id"],
                str(values["type"]),
            )
            if key in seen:
                problems.append(
                    _Problem("name", Message("The same product as line {line}", line=seen[key]))
                )
            else:
                seen[key] = row.line
                product_id = lookups.products.get(key)
        action = (
            RowAction.ERROR if problems else (RowAction.UPDATE if product_id else RowAction.CREATE)
        )
        counts[action] += 1
        branch_id = values.get("branch_id")
        planned.append(
            {
                "line": row.line,
                "action": action.value,
                "name": row.values.get("name", ""),
                "branch": row.values.get("branch", ""),
                "product_id": str(product_id) if product_id else None,
                "errors": [p.kept() for p in problems],
                "values": _json(values) if not problems else None,
                "branch_id": str(branch_id) if branch_id else None,
            }
        )
        if progress is not None and (done % 500 == 0 or done == len(rows)):
            progress(done, len(rows))
    now = clock.now()
    repo = PreviewRepository(session)
    repo.forget_expired(now - timedelta(days=1))
    return repo.add(
        ImportPreview(
            kind=KIND,
            filename=filename[:255],
            created_by_id=actor.id,
            created_at=now,
            expires_at=now + LIFETIME,
            status=PreviewStatus.PENDING,
            plan={
                "totals": {"rows": len(rows), **{a.value: counts[a] for a in RowAction}},
                "rows": planned,
            },
        )
    )


def get_preview(session: Session, preview_id: uuid.UUID) -> ImportPreview:
    preview = PreviewRepository(session).get(preview_id)
    if preview is None or preview.kind != KIND:
        raise NotFound.of("Import preview", preview_id)
    return preview


def view(preview: ImportPreview) -> PreviewRead:
    plan = preview.plan
    return PreviewRead(
        id=preview.id,
        filename=preview.filename,
        status=preview.status.value,
        expires_at=preview.expires_at,
        match_rule=MATCH_RULE,
        totals=PreviewTotals(**plan["totals"]),
        rows=[
            PreviewRow(
                line=r["line"],
                action=r["action"],
                name=r["name"],
                branch=r["branch"],
                product_id=r["product_id"],
                errors=[_said(e) for e in r["errors"]],
            )
            for r in plan["rows"]
        ],
    )


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _values(row: dict[str, Any]) -> dict[str, Any]:
    values = dict(row["values"])
    for name in ("buy_price", "sell_price", "sell_price_per_meter", "quantity", "total_length"):
        if name in values:
            values[name] = _decimal(values[name])
    return values


def _created(row: dict[str, Any]) -> ProductCreate:
    values = _values(row)
    if values["type"] != ProductType.METER.value:
        values["quantity"] = int(values["quantity"])
    return ProductCreate.model_validate(values)


def _update(
    session: Session,
    actor: Actor,
    clock: Clock,
    row: dict[str, Any],
    reason: str,
    low_stock: LowStockDefaults,
) -> uuid.UUID:
    values = _values(row)
    product_id = uuid.UUID(row["product_id"])
    changes: dict[str, Any] = {
        "buy_price": values["buy_price"],
        "available_sizes": values["available_sizes"],
        # The stock ledger keeps why a level changed: this import.
        "stock_reason": reason,
    }
    if values["type"] == ProductType.METER.value:
        changes |= {
            "sell_price_per_meter": values["sell_price_per_meter"],
            "remaining_length": values["total_length"],
        }
    else:
        changes |= {"sell_price": values["sell_price"], "quantity": int(values["quantity"])}
    catalog_service.update_product(
        session,
        actor,
        clock,
        product_id,
        ProductUpdate.model_validate(changes),
        low_stock=low_stock,
    )
    return product_id


def _refused(row: dict[str, Any], error: AppError) -> Conflict:
    # Something changed since the preview: nothing of the file is imported.
    return Conflict(
        Message(
            "Line {line} can no longer be imported ({reason}); nothing was imported: "
            "preview the file again",
            line=row["line"],
            reason=error.message,
        ),
        details={"line": row["line"], "error": {"code": error.code, **error.details}},
    )


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """The rows in order, consecutive creates together (at most `CREATE_BATCH`), each update
    alone: the file is applied in its own order, as one row after the other would."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        if row["action"] != RowAction.CREATE.value:
            if batch:
                yield batch
                batch = []
            yield [row]
            continue
        batch.append(row)
        if len(batch) == CREATE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def commit(
    session: Session,
    actor: Actor,
    clock: Clock,
    preview_id: uuid.UUID,
    *,
    low_stock: LowStockDefaults,
    progress: Progress | None = None,
) -> CommitResult:
    """Apply the preview's good rows, all in this transaction; a preview commits once."""
    preview = get_preview(session, preview_id)
    if not PreviewRepository(session).claim(preview.id, clock.now()):
        session.refresh(preview)
        if preview.status == PreviewStatus.COMMITTED:
            raise Conflict("This preview was already committed", details={"reason": "committed"})
        raise Conflict(
            "This preview expired (30 minutes); upload the file again",
            details={"reason": "expired"},
        )
    rows = [r for r in preview.plan["rows"] if r["action"] != RowAction.ERROR.value]
    reason = f"import {preview.filename}"[:255]
    created = updated = done = 0
    product_ids: list[uuid.UUID] = []
    for batch in _batches(rows):
        if batch[0]["action"] == RowAction.CREATE.value:
            items = [_created(row) for row in batch]
            try:
                made = catalog_service.create_products(session, actor, clock, items)
            except ItemRefused as refused:
                raise _refused(batch[refused.index], refused.error) from refused.error
            product_ids += [product.id for product in made]
            created += len(made)
        else:
            try:
                product_ids.append(_update(session, actor, clock, batch[0], reason, low_stock))
            except AppError as exc:
                raise _refused(batch[0], exc) from exc
            updated += 1
        before, done = done, done + len(batch)
        if progress is not None and (done // 200 > before // 200 or done == len(rows)):
            progress(done, len(rows))
    return CommitResult(
        id=preview.id,
        created=created,
        updated=updated,
        skipped_errors=preview.plan["totals"]["error"],
        product_ids=product_ids,
    )
