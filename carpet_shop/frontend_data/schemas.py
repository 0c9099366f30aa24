"""The React app's local state, as it holds it: camelCase (`canAddProducts`, `sellPrice`) or
snake_case names alike; fields the backend has no use for (photos, UI flags) are ignored."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from carpet_shop.core.schemas import ReadModel

SourceId = Annotated[str, Field(min_length=1, max_length=64)]
Amount = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
Stock = Annotated[Decimal, Field(ge=0, max_digits=11, decimal_places=2, allow_inf_nan=False)]


class AppRecord(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", str_strip_whitespace=True
    )

    id: SourceId

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class AppBranch(AppRecord):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    address: Annotated[str, Field(max_length=255)] | None = None
    phone: Annotated[str, Field(max_length=32)] | None = None


class AppUser(AppRecord):
    username: Annotated[str, Field(min_length=3, max_length=50)]
    full_name: Annotated[str, Field(max_length=120)] = Field(
        default="", validation_alias=AliasChoices("fullName", "full_name", "name")
    )
    role: Literal["admin", "seller"] = "seller"
    branch_id: SourceId | None = None
    can_add_products: bool = False
    password: Annotated[str, Field(max_length=128)] | None = None


class AppProduct(AppRecord):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    category: str
    collection: Annotated[str, Field(min_length=1, max_length=60)]
    type: Literal["unit", "meter"] = "unit"
    buy_price: Amount
    sell_price: Amount | None = None
    sell_price_per_meter: Amount | None = None
    quantity: Stock = Decimal(0)
    remaining_length: Stock | None = None
    available_sizes: list[str] = Field(
        default_factory=list,
        validation_alias=AliasChoices("availableSizes", "available_sizes", "sizes"),
    )
    branch_id: SourceId


class AppSale(AppRecord):
    product_id: SourceId
    seller_id: SourceId
    quantity: Amount
    amount: Amount
    payment_type: Literal["cash", "card", "transfer"] = "cash"
    profit: Annotated[Decimal, Field(max_digits=14, decimal_places=2)] | None = None
    date: datetime | date


class AppDebt(AppRecord):
    customer_name: Annotated[str, Field(min_length=1, max_length=120)]
    customer_phone: Annotated[str, Field(min_length=5, max_length=32)]
    branch_id: SourceId
    seller_id: SourceId | None = None
    total_amount: Amount
    remaining_amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    paid_amount: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    payment_deadline: date
    created_at: datetime | None = None


class FrontendData(BaseModel):
    model_config = ConfigDict(extra="ignore")

    users: list[AppUser] = Field(default_factory=list, max_length=1000)
    branches: list[AppBranch] = Field(default_factory=list, max_length=200)
    products: list[AppProduct] = Field(default_factory=list, max_length=20_000)
    sales: list[AppSale] = Field(default_factory=list, max_length=100_000)
    debts: list[AppDebt] = Field(default_factory=list, max_length=20_000)


class MigrationProblem(ReadModel):
    entity: str
    id: str
    field: str
    message: str


class MigrationReport(ReadModel):
    """The specification's report, with what was already there and notes."""

    dry_run: bool
    users_imported: int
    branches_imported: int
    products_imported: int
    sales_imported: int
    debts_imported: int
    already_imported: int = Field(description="Records a previous run imported: skipped")
    errors: list[MigrationProblem]
    warnings: list[str]
