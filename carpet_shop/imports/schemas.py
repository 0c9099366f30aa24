from __future__ import annotations

import enum
import uuid
from datetime import datetime

from pydantic import Field

from carpet_shop.core.schemas import ReadModel

# The specification's product import columns (additions 8B), in its order.
PRODUCT_COLUMNS = (
    "name",
    "category",
    "collection",
    "type",
    "buy_price",
    "sell_price",
    "quantity",
    "sizes",
    "branch",
)
REQUIRED_COLUMNS = ("name", "category", "collection", "buy_price", "sell_price", "branch")


class RowAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    ERROR = "error"


class FieldProblem(ReadModel):
    field: str
    message: str


class PreviewRow(ReadModel):
    line: int = Field(description="The file's line (the header is line 1)")
    action: RowAction
    name: str
    branch: str
    product_id: uuid.UUID | None = Field(description="The product an update would change")
    errors: list[FieldProblem]


class PreviewTotals(ReadModel):
    rows: int
    create: int
    update: int
    error: int


class PreviewRead(ReadModel):
    id: uuid.UUID
    filename: str
    status: str
    expires_at: datetime
    match_rule: str = Field(description="How a row finds the product it updates")
    totals: PreviewTotals
    rows: list[PreviewRow]


class CommitResult(ReadModel):
    id: uuid.UUID
    created: int
    updated: int
    skipped_errors: int = Field(description="Rows with errors in the preview: not imported")
    product_ids: list[uuid.UUID]
