"""Responses of the analytics and the dashboard, in two versions.

Sellers get the plain classes; the director gets the `Admin…` ones, which add the
director's profit. Seller classes have no such field at all (CONTRACT.md: a seller never
sees cost or the director's profit): they are never the admin's with a field blanked.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from carpet_shop.analytics.figures import Figures
from carpet_shop.analytics.repository import NamedRow, PaymentRow, ProductRow, SellerRow
from carpet_shop.analytics.service import (
    Dashboard,
    GroupBy,
    GroupRow,
    ProfitReport,
    SalesReport,
    SeriesPoint,
    SizeRow,
)
from carpet_shop.audit.models import AuditAction
from carpet_shop.catalog.models import Category, ProductType
from carpet_shop.core.schemas import ReadModel
from carpet_shop.core.types import DecimalNumber
from carpet_shop.sales.models import PaymentType


class ItemFigures(ReadModel):
    item_count: int = Field(description="Receipt lines (a line returned in full still counts)")
    revenue: DecimalNumber = Field(description="Net revenue: amounts less approved refunds")
    gross_revenue: DecimalNumber = Field(description="Amounts charged, before refunds")
    refunded: DecimalNumber = Field(description="Refunds of approved returns")
    extra_profit: DecimalNumber = Field(
        description="Charged above the standard price, net of returns (negative: discounts)"
    )


class AdminItemFigures(ItemFigures):
    director_profit: DecimalNumber = Field(description="Director's profit, net of returns")


class SaleFigures(ItemFigures):
    sale_count: int = Field(description="Receipts")


class AdminSaleFigures(SaleFigures, AdminItemFigures):
    pass


def figures_data(figures: Figures) -> dict[str, Any]:
    """Every figure; a seller's schema takes only the fields it has."""
    return {
        "sale_count": figures.sale_count,
        "item_count": figures.item_count,
        "revenue": figures.net_revenue,
        "gross_revenue": figures.revenue,
        "refunded": figures.refunded,
        "extra_profit": figures.extra_profit,
        "director_profit": figures.director_profit,
    }


class PaymentFigures(ReadModel):
    payment_type: PaymentType
    sale_count: int = Field(description="Receipts with a payment of this type")
    amount: DecimalNumber = Field(description="Received this way, before refunds")


class BranchFigures(SaleFigures):
    branch_id: uuid.UUID
    branch_name: str


class AdminBranchFigures(AdminSaleFigures, BranchFigures):
    pass


class SellerFigures(SaleFigures):
    seller_id: uuid.UUID
    seller_name: str
    branch_id: uuid.UUID | None


class AdminSellerFigures(AdminSaleFigures, SellerFigures):
    pass


class CategoryFigures(ItemFigures):
    category: Category


class AdminCategoryFigures(AdminItemFigures, CategoryFigures):
    pass


class CollectionFigures(ItemFigures):
    collection_id: uuid.UUID
    collection_name: str


class AdminCollectionFigures(AdminItemFigures, CollectionFigures):
    pass


class ProductFigures(ItemFigures):
    product_id: uuid.UUID
    name: str
    category: Category
    collection_id: uuid.UUID
    collection_name: str
    unit: Literal["pcs", "m"]
    quantity: DecimalNumber = Field(description="Pieces or metres sold, net of returns")


class AdminProductFigures(AdminItemFigures, ProductFigures):
    pass


class SizeFigures(ItemFigures):
    size: str | None = Field(description="W×H of the pieces sold; null for a roll width")
    width: DecimalNumber = Field(description="Metres")
    height: DecimalNumber | None = Field(description="Metres; null for a roll width")
    unit: Literal["pcs", "m"]
    quantity: DecimalNumber = Field(description="Pieces or metres sold, net of returns")


class AdminSizeFigures(AdminItemFigures, SizeFigures):
    pass


class SeriesFigures(SaleFigures):
    start: datetime = Field(description="Where the hour or day begins, in shop time")


class AdminSeriesFigures(AdminSaleFigures, SeriesFigures):
    pass


class SalesAnalytics(ReadModel):
    date_from: date | None = Field(description="First shop day of the window (null: all time)")
    date_to: date | None = Field(description="Last shop day of the window, inclusive")
    granularity: Literal["day", "hour"] = Field(description="Of the series: hours for one day")
    totals: SaleFigures
    by_payment_type: Sequence[PaymentFigures]
    by_branch: Sequence[BranchFigures]
    by_seller: Sequence[SellerFigures]
    by_category: Sequence[CategoryFigures]
    by_collection: Sequence[CollectionFigures]
    top_products: Sequence[ProductFigures]
    top_sizes: Sequence[SizeFigures] = Field(
        description="Sizes with the most net revenue (pieces by W×H, rolls by width), "
        "as many as `top`"
    )
    series: Sequence[SeriesFigures]


class AdminSalesAnalytics(SalesAnalytics):
    totals: AdminSaleFigures
    by_branch: Sequence[AdminBranchFigures]
    by_seller: Sequence[AdminSellerFigures]
    by_category: Sequence[AdminCategoryFigures]
    by_collection: Sequence[AdminCollectionFigures]
    top_products: Sequence[AdminProductFigures]
    top_sizes: Sequence[AdminSizeFigures]
    series: Sequence[AdminSeriesFigures]


class ProfitFigures(ReadModel):
    director_profit: DecimalNumber
    extra_profit: DecimalNumber
    revenue: DecimalNumber = Field(description="Net revenue")
    gross_revenue: DecimalNumber
    refunded: DecimalNumber
    sale_count: int


class BranchProfit(ProfitFigures):
    branch_id: uuid.UUID
    branch_name: str
    share_percent: DecimalNumber = Field(
        description="Share of the director's profit; the shares add up to exactly 100 "
        "(0 for a branch without profit; all 0 when no branch made one)"
    )


class ProfitPoint(ProfitFigures):
    start: datetime = Field(description="Where the day, week (Monday) or month begins")


class ProfitAnalytics(ReadModel):
    date_from: date | None
    date_to: date | None
    group_by: GroupBy
    totals: ProfitFigures
    by_branch: list[BranchProfit]
    series: list[ProfitPoint]


class Activity(ReadModel):
    id: uuid.UUID
    action: AuditAction
    entity_type: str
    entity_id: uuid.UUID | None
    user_id: uuid.UUID | None
    username: str | None
    timestamp: datetime


class DashboardWidgets(ReadModel):
    total_sales_today: DecimalNumber = Field(description="Net revenue of today (shop time)")
    sales_count_today: int
    low_stock_count: int = Field(
        description="Products at or below their low-stock threshold, as a whole or in any size"
    )
    low_stock_sizes_count: int = Field(
        description="Sizes at or below their product's threshold (a product without sizes "
        "counts once): a design out of 3×4 and low in 2×3 counts twice"
    )
    pending_transfers: int = Field(description="Transfers pending or in transit")
    overdue_debts_count: int = Field(description="Debts past their deadline with money owed")
    overdue_debts_amount: DecimalNumber = Field(description="What the overdue debts still owe")
    outstanding_debts_count: int = Field(description="Debts not paid off yet")
    outstanding_debts_amount: DecimalNumber = Field(description="What all open debts still owe")
    top_selling_products: Sequence[ProductFigures] = Field(description="This month, by revenue")
    recent_activities: Sequence[Activity]


class AdminDashboardWidgets(DashboardWidgets):
    top_selling_products: Sequence[AdminProductFigures]


def _named(row: NamedRow, id_key: str, name_key: str) -> dict[str, Any]:
    return {id_key: row.id, name_key: row.name, **figures_data(row.figures)}


def _seller(row: SellerRow) -> dict[str, Any]:
    return {
        "seller_id": row.id,
        "seller_name": row.name,
        "branch_id": row.branch_id,
        **figures_data(row.figures),
    }


def _product(row: ProductRow) -> dict[str, Any]:
    return {
        "product_id": row.product_id,
        "name": row.name,
        "category": row.category,
        "collection_id": row.collection_id,
        "collection_name": row.collection_name,
        "unit": "m" if row.type == ProductType.METER else "pcs",
        "quantity": row.quantity,
        **figures_data(row.figures),
    }


def _size(row: SizeRow) -> dict[str, Any]:
    return {
        "size": row.size,
        "width": row.width,
        "height": row.height,
        "unit": "m" if row.type == ProductType.METER else "pcs",
        "quantity": row.quantity,
        **figures_data(row.figures),
    }


def _payment(row: PaymentRow) -> dict[str, Any]:
    return {"payment_type": row.payment_type, "sale_count": row.sale_count, "amount": row.amount}


def _point(point: SeriesPoint) -> dict[str, Any]:
    return {"start": point.start, **figures_data(point.figures)}


def _group(row: GroupRow, key: str, name_key: str | None) -> dict[str, Any]:
    data = {key: row.key, **figures_data(row.figures)}
    if name_key:
        data[name_key] = row.name
    return data


def sales_analytics_view(report: SalesReport, *, admin: bool) -> SalesAnalytics:
    cls = AdminSalesAnalytics if admin else SalesAnalytics
    window = report.window
    return cls.model_validate(
        {
            "date_from": window.first_day if window else None,
            "date_to": window.last_day if window else None,
            "granularity": report.granularity.value,
            "totals": figures_data(report.totals),
            "by_payment_type": [_payment(r) for r in report.by_payment_type],
            "by_branch": [_named(r, "branch_id", "branch_name") for r in report.by_branch],
            "by_seller": [_seller(r) for r in report.by_seller],
            "by_category": [_group(r, "category", None) for r in report.by_category],
            "by_collection": [
                _group(r, "collection_id", "collection_name") for r in report.by_collection
            ],
            "top_products": [_product(r) for r in report.top_products],
            "top_sizes": [_size(r) for r in report.top_sizes],
            "series": [_point(p) for p in report.series],
        }
    )


def profit_view(report: ProfitReport) -> ProfitAnalytics:
    window = report.window
    return ProfitAnalytics.model_validate(
        {
            "date_from": window.first_day if window else None,
            "date_to": window.last_day if window else None,
            "group_by": report.group_by,
            "totals": figures_data(report.totals),
            "by_branch": [
                {
                    **_named(b.row, "branch_id", "branch_name"),
                    "share_percent": b.share_percent,
                }
                for b in report.by_branch
            ],
            "series": [_point(p) for p in report.series],
        }
    )


def dashboard_view(widgets: Dashboard, *, admin: bool) -> DashboardWidgets:
    cls = AdminDashboardWidgets if admin else DashboardWidgets
    return cls.model_validate(
        {
            "total_sales_today": widgets.total_sales_today,
            "sales_count_today": widgets.sales_count_today,
            "low_stock_count": widgets.low_stock_count,
            "low_stock_sizes_count": widgets.low_stock_sizes_count,
            "pending_transfers": widgets.pending_transfers,
            "overdue_debts_count": widgets.debts.overdue_debts_count,
            "overdue_debts_amount": widgets.debts.overdue_amount,
            "outstanding_debts_count": widgets.debts.outstanding_count,
            "outstanding_debts_amount": widgets.debts.outstanding_amount,
            "top_selling_products": [_product(p) for p in widgets.top_selling_products],
            "recent_activities": [
                {
                    "id": entry.id,
                    "action": entry.action,
                    "entity_type": entry.entity_type,
                    "entity_id": entry.entity_id,
                    "user_id": entry.user_id,
                    "username": username,
                    "timestamp": entry.timestamp,
                }
                for entry, username in widgets.recent_activities
            ],
        }
    )
