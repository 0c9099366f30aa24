"""The director's analytics and the dashboard: figures over the sales, net of returns.

Every figure comes from SQL aggregates (see `repository.py`); Python only adds up those
aggregated rows (at most one per day, branch, seller, product or quarter hour), never sales.
Rollups answer when the filters allow; receipts answer otherwise (see `choose_source`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from carpet_shop.analytics import widgets
from carpet_shop.analytics.figures import Figures, shares_percent
from carpet_shop.analytics.repository import (
    NamedRow,
    PaymentRow,
    ProductRow,
    ReceiptSource,
    RollupSource,
    SellerRow,
    SizeSold,
)
from carpet_shop.analytics.rollups import rebuild, record_return, record_sale
from carpet_shop.audit.models import AuditLog
from carpet_shop.catalog.models import ProductType
from carpet_shop.catalog.text import parse_size
from carpet_shop.catalog.views import LowStockDefaults
from carpet_shop.core.clock import Clock, in_zone, shop_today
from carpet_shop.core.periods import Window, days_window
from carpet_shop.core.repository import BranchScope
from carpet_shop.debts import service as debts_service
from carpet_shop.sales.filters import SaleFilters
from carpet_shop.sales.models import PaymentType

__all__ = [
    "Dashboard",
    "GroupBy",
    "ProfitReport",
    "SalesReport",
    "dashboard",
    "profit_report",
    "rebuild",
    "record_return",
    "record_sale",
    "sales_report",
]

# Zero rows are filled in for every day of windows up to this long (a chart's x axis);
# longer ones (an open-ended custom range starts in 2000) list only days with sales.
MAX_FILLED_DAYS = 366
DEFAULT_TOP = 10
DASHBOARD_TOP = 5
DASHBOARD_ACTIVITY = 10


class Granularity(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"


class GroupBy(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class SeriesPoint:
    start: datetime
    figures: Figures


@dataclass(frozen=True)
class GroupRow:
    """Figures of a category or a collection, from its products' rows."""

    key: str
    name: str
    figures: Figures


@dataclass(frozen=True)
class SizeRow:
    """A size's sales: a piece's W×H (`size`, `width`, `height`), or a roll width (`size`
    and `height` None: every roll of that width, whatever its length)."""

    type: ProductType
    size: str | None
    width: Decimal
    height: Decimal | None
    quantity: Decimal
    figures: Figures


@dataclass(frozen=True)
class SalesReport:
    window: Window | None
    granularity: Granularity
    totals: Figures
    by_payment_type: list[PaymentRow]
    by_branch: list[NamedRow]
    by_seller: list[SellerRow]
    by_category: list[GroupRow]
    by_collection: list[GroupRow]
    top_products: list[ProductRow]
    top_sizes: list[SizeRow]
    series: list[SeriesPoint]


@dataclass(frozen=True)
class BranchShare:
    row: NamedRow
    share_percent: Decimal


@dataclass(frozen=True)
class ProfitReport:
    window: Window | None
    group_by: GroupBy
    totals: Figures
    by_branch: list[BranchShare]
    series: list[SeriesPoint]


@dataclass(frozen=True)
class Dashboard:
    total_sales_today: Decimal
    sales_count_today: int
    low_stock_count: int
    low_stock_sizes_count: int
    pending_transfers: int
    debts: debts_service.DebtFigures
    top_selling_products: list[ProductRow]
    recent_activities: list[tuple[AuditLog, str | None]] = field(default_factory=list)


Source = RollupSource | ReceiptSource


def choose_source(session: Session, filters: SaleFilters, *, hourly: bool) -> Source:
    """The rollups answer for branches and whole shop days; a seller, payment type, product
    or customer filter, and hourly series, are added up from the receipts."""
    if not hourly and RollupSource.usable(filters):
        return RollupSource(session, filters)
    return ReceiptSource(session, filters)


def _total(rows: Iterable[NamedRow]) -> Figures:
    total = Figures()
    for row in rows:
        total.add(row.figures)
    return total


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _days(window: Window) -> Iterable[date]:
    day = window.first_day
    while day <= window.last_day:
        yield day
        day += timedelta(days=1)


def _fold(
    points: Sequence[tuple[datetime, Figures]],
    key: Callable[[datetime], datetime],
    filled: Iterable[datetime],
) -> list[SeriesPoint]:
    """Add up rows into the buckets `key` puts them in, with `filled` buckets at zero."""
    buckets: dict[datetime, Figures] = {start: Figures() for start in filled}
    for instant, figures in points:
        buckets.setdefault(key(instant), Figures()).add(figures)
    return [SeriesPoint(start, buckets[start]) for start in sorted(buckets)]


def _day_key(tz: ZoneInfo, group_by: GroupBy = GroupBy.DAY) -> Callable[[datetime], datetime]:
    def key(instant: datetime) -> datetime:
        day = in_zone(instant, tz).date()
        if group_by == GroupBy.WEEK:
            day -= timedelta(days=day.weekday())
        elif group_by == GroupBy.MONTH:
            day = day.replace(day=1)
        return _local_midnight(day, tz)

    return key


def _hour_key(tz: ZoneInfo) -> Callable[[datetime], datetime]:
    def key(instant: datetime) -> datetime:
        return in_zone(instant, tz).replace(minute=0, second=0, microsecond=0)

    return key


def _filled_days(
    window: Window | None, key: Callable[[datetime], datetime], tz: ZoneInfo
) -> list[datetime]:
    if window is None or (window.last_day - window.first_day).days >= MAX_FILLED_DAYS:
        return []
    return list(dict.fromkeys(key(_local_midnight(day, tz)) for day in _days(window)))


def _filled_hours(window: Window, key: Callable[[datetime], datetime]) -> list[datetime]:
    # Walk the window in quarter hours of real time: a day of a clock change has 23 or 25.
    starts: dict[datetime, None] = {}
    instant = window.start
    while instant < window.end:
        starts[key(instant)] = None
        instant += timedelta(minutes=15)
    return list(starts)


def _series(
    source: Source, window: Window | None, tz: ZoneInfo, hourly: bool, group_by: GroupBy
) -> list[SeriesPoint]:
    points = source.series(tz)
    if hourly and window is not None:
        key = _hour_key(tz)
        return _fold(points, key, _filled_hours(window, key))
    key = _day_key(tz, group_by)
    return _fold(points, key, _filled_days(window, key, tz))


def _by_net_revenue(figures: Figures, name: str) -> tuple[Decimal, str]:
    return (-figures.net_revenue, name)


def _groups(
    rows: Sequence[ProductRow], key: Callable[[ProductRow], tuple[str, str]]
) -> list[GroupRow]:
    """Categories or collections, added up from the products sold."""
    groups: dict[tuple[str, str], Figures] = {}
    for row in rows:
        groups.setdefault(key(row), Figures()).add(row.figures)
    out = [GroupRow(k, name, figures) for (k, name), figures in groups.items()]
    return sorted(out, key=lambda r: _by_net_revenue(r.figures, r.name))


def _sizes(rows: Sequence[SizeSold], top: int) -> list[SizeRow]:
    """The sizes with the most net revenue (then by size): pieces by their W×H, rolls by
    their width (a 3×20 and a 3×25 roll are both "3 m wide")."""
    Key = tuple[ProductType, str | None, Decimal, Decimal | None]
    quantities: dict[Key, Decimal] = {}
    figures: dict[Key, Figures] = {}
    for row in rows:
        try:
            name, width, height = parse_size(row.size)
        except ValueError:
            continue  # not a size a line can name today; nothing to group it by
        key: Key = (
            (row.type, None, width, None)
            if row.type == ProductType.METER
            else (row.type, name, width, height)
        )
        quantities[key] = quantities.get(key, Decimal("0.00")) + row.quantity
        figures.setdefault(key, Figures()).add(row.figures)
    out = [SizeRow(*key, quantities[key], figures[key]) for key in quantities]
    out.sort(key=lambda r: (-r.figures.net_revenue, r.type.value, r.width, r.height or 0))
    return out[:top]


def _payments(rows: Sequence[PaymentRow]) -> list[PaymentRow]:
    """Every payment type, in the enum's order, zero where nothing was paid that way."""
    found = {row.payment_type: row for row in rows}
    return [found.get(t, PaymentRow(t, 0, Decimal("0.00"))) for t in PaymentType]


def _is_one_day(window: Window | None) -> bool:
    return window is not None and window.first_day == window.last_day


def sales_report(
    session: Session, filters: SaleFilters, tz: ZoneInfo, *, top: int = DEFAULT_TOP
) -> SalesReport:
    """Revenue, counts, breakdowns and a series (hourly for one day) for the filtered sales."""
    hourly = _is_one_day(filters.window)
    source = choose_source(session, filters, hourly=hourly)
    branches = source.by_branch()
    # Every product sold, read once: the top of the list and the category and collection
    # sums come from the same rows.
    products = source.products_sold()
    return SalesReport(
        window=filters.window,
        granularity=Granularity.HOUR if hourly else Granularity.DAY,
        totals=_total(branches),
        by_payment_type=_payments(source.by_payment()),
        by_branch=branches,
        by_seller=sorted(source.by_seller(), key=lambda r: _by_net_revenue(r.figures, r.name)),
        by_category=_groups(products, lambda g: (g.category.value, g.category.value)),
        by_collection=_groups(products, lambda g: (str(g.collection_id), g.collection_name)),
        top_products=products[:top],
        top_sizes=_sizes(source.by_size(), top),
        series=_series(source, filters.window, tz, hourly, GroupBy.DAY),
    )


def profit_report(
    session: Session, filters: SaleFilters, tz: ZoneInfo, group_by: GroupBy
) -> ProfitReport:
    """The director's profit and the extra profit, per branch with its share, and over time."""
    source = choose_source(session, filters, hourly=False)
    branches = source.by_branch()
    shares = shares_percent([row.figures.director_profit for row in branches])
    return ProfitReport(
        window=filters.window,
        group_by=group_by,
        totals=_total(branches),
        by_branch=[BranchShare(row, share) for row, share in zip(branches, shares, strict=True)],
        series=_series(source, filters.window, tz, False, group_by),
    )


def dashboard(
    session: Session,
    scope: BranchScope,
    clock: Clock,
    tz: ZoneInfo,
    *,
    low_stock: LowStockDefaults,
) -> Dashboard:
    """The home screen's widgets, for the caller's branch (a seller) or the shop (admin)."""
    today = shop_today(clock, tz)
    today_filters = SaleFilters(scope=scope, window=days_window(today, today, tz))
    today_total = _total(RollupSource(session, today_filters).by_branch())
    month = days_window(today.replace(day=1), today, tz)
    top = RollupSource(session, SaleFilters(scope=scope, window=month)).products_sold(DASHBOARD_TOP)
    return Dashboard(
        total_sales_today=today_total.net_revenue,
        sales_count_today=today_total.sale_count,
        low_stock_count=widgets.low_stock_count(session, scope, low_stock),
        low_stock_sizes_count=widgets.low_stock_sizes_count(session, scope, low_stock),
        pending_transfers=widgets.pending_transfers_count(session, scope),
        debts=debts_service.dashboard_figures(session, scope, clock, tz=tz),
        top_selling_products=top,
        recent_activities=widgets.recent_activities(session, scope, DASHBOARD_ACTIVITY),
    )
