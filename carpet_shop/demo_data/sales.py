"""The sales themselves: generated chunk by chunk as plain tuples, rollups included."""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from carpet_shop.core.clock import shop_midnight
from carpet_shop.demo_data.shop import FIRST_NAMES, Shop
from carpet_shop.demo_data.writers import (
    ITEM_COLUMNS,
    PAYMENT_COLUMNS,
    PAYMENTS_DAILY,
    PRODUCTS_DAILY,
    PRODUCTS_MONTHLY,
    SALE_COLUMNS,
    SALES_DAILY,
    SIZES_DAILY,
    Writer,
)

CHUNK = 50_000  # sales per transaction: fewer commits, and bounded memory
BRANCH_WEIGHTS = (45, 35, 20)
PAYMENT_WEIGHTS = (("cash", 55), ("card", 30), ("transfer", 15))


def _day_counts(total: int, days: list[date], rnd: random.Random) -> list[int]:
    """Sales per day: weekends busier, a little noise, adding up to `total` exactly."""
    weights = [(1.35 if d.weekday() >= 5 else 1.0) * rnd.uniform(0.85, 1.15) for d in days]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rnd.sample(range(len(days)), total - sum(counts)):
        counts[i] += 1
    return counts


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both positive), in whole units."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass
class _Rollups:
    sales: dict[tuple[Any, ...], list[int]]
    payments: dict[tuple[Any, ...], list[int]]
    products: dict[tuple[Any, ...], list[Any]]
    sizes: dict[tuple[Any, ...], list[int]]

    @classmethod
    def empty(cls) -> _Rollups:
        return cls({}, {}, {}, {})

    def write(self, writer: Writer) -> None:
        writer.add(
            "analytics_sales_daily",
            *SALES_DAILY,
            [(*k, *v) for k, v in self.sales.items()],
        )
        writer.add(
            "analytics_payments_daily",
            *PAYMENTS_DAILY,
            [(*k, *v) for k, v in self.payments.items()],
        )
        writer.add(
            "analytics_products_daily",
            *PRODUCTS_DAILY,
            [(*k, *v) for k, v in self.products.items()],
        )
        monthly: dict[tuple[str, str], list[Any]] = {}
        for (day, product_id), (branch_id, *figures) in self.products.items():
            row = monthly.setdefault((day[:8] + "01", product_id), [branch_id, 0, 0, 0, 0, 0, 0])
            for i, value in enumerate(figures, start=1):
                row[i] += value
        writer.add(
            "analytics_products_monthly",
            *PRODUCTS_MONTHLY,
            [(*k, *v) for k, v in monthly.items()],
        )
        writer.add(
            "analytics_sizes_daily",
            *SIZES_DAILY,
            [(*k, *v) for k, v in self.sizes.items()],
        )


def _cumulative(weights: Sequence[int]) -> list[int]:
    out, total = [], 0
    for w in weights:
        total += w
        out.append(total)
    return out


@dataclass(frozen=True)
class ChunkSpec:
    """Consecutive shop days of sales, generated on their own (in a worker process)."""

    index: int
    seed: int
    shop: Shop
    days: list[date]
    # Sales per day and branch, and each branch's first receipt number in this chunk.
    counts: list[list[int]]
    first_receipt: list[int]
    timezone: str
    postgres: bool


@dataclass
class ChunkRows:
    sales: list[tuple[Any, ...]]
    items: list[tuple[Any, ...]]
    payments: list[tuple[Any, ...]]
    rollups: _Rollups
    last_receipt: list[int]


def _metres(hundredths: int) -> str:
    """Centimetres as the catalog writes metres: 1, 1.5, 1.05."""
    whole, cm = divmod(hundredths, 100)
    return str(whole) if cm == 0 else f"{whole}.{cm:02d}".rstrip("0")


def generate_chunk(spec: ChunkSpec) -> ChunkRows:
    """The rows of one chunk: plain tuples in the database's own formats, rollups included."""
    rnd = random.Random(spec.seed * 1_000_003 + spec.index)  # noqa: S311 (demo data)
    rand, randrange = rnd.random, rnd.randrange
    tz = ZoneInfo(spec.timezone)
    shop = spec.shop
    suffix = "+00" if spec.postgres else ""
    pay_types = [t for t, _ in PAYMENT_WEIGHTS]
    pay_cum = _cumulative([w for _, w in PAYMENT_WEIGHTS])
    phone_rnd = random.Random(spec.seed)  # noqa: S311 (the same customers in every chunk)
    phones = [f"+99890{n:07d}" for n in phone_rnd.sample(range(10**7), 2000)]
    receipt = list(spec.first_receipt)
    rows = ChunkRows([], [], [], _Rollups.empty(), receipt)
    sales, items, payments = rows.sales, rows.items, rows.payments
    r_sales, r_payments, r_products, r_sizes = (
        rows.rollups.sales,
        rows.rollups.payments,
        rows.rollups.products,
        rows.rollups.sizes,
    )
    # UUIDv7 layout: milliseconds, version, variant, then a counter unique to this chunk.
    id_base = (0x7 << 76) | (0b10 << 62) | (spec.index << 40)
    counter = 0

    for day, per_branch in zip(spec.days, spec.counts, strict=True):
        day_text = day.isoformat()
        opens = shop_midnight(day, tz) + timedelta(hours=9)
        branches = [b for b, n in enumerate(per_branch) for _ in range(n)]
        rnd.shuffle(branches)
        offsets = sorted(randrange(12 * 3600 * 1000) for _ in branches)
        for b, offset_ms in zip(branches, offsets, strict=True):
            when = opens + timedelta(milliseconds=offset_ms)
            millis = int(when.timestamp() * 1000) << 80
            stamp = when.isoformat(sep=" ", timespec="microseconds")[:26] + suffix
            branch_id = shop.branch_ids[b]
            sellers = shop.sellers[b]
            seller_id = sellers[int(rand() * len(sellers))]
            counter += 1
            sale_id = f"{millis | id_base | counter:032x}"
            r = rand()
            n_items = 1 if r < 0.80 else (2 if r < 0.95 else 3)
            stock = shop.products[b]
            chosen = (
                [stock[int(rand() * len(stock))]] if n_items == 1 else rnd.sample(stock, n_items)
            )
            total = extra_total = director_total = cost_total = refunded_total = 0
            sale_row = r_sales.get((day_text, branch_id, seller_id))
            if sale_row is None:
                sale_row = r_sales[(day_text, branch_id, seller_id)] = [0, 0, 0, 0, 0, 0]
            sale_row[0] += 1
            sizes_of_sale: set[tuple[Any, ...]] = set()
            for position, product in enumerate(chosen):
                if product.meter:
                    quantity = 100 + 5 * int(rand() * 101)  # 1.00 to 6.00 m, in cm
                    standard = _half_up(product.standard * quantity, 100)
                    cost = _half_up(product.buy * quantity, 100)
                else:
                    quantity = 100 if rand() < 0.9 else 200
                    standard = product.standard * quantity // 100
                    cost = product.buy * quantity // 100
                r = rand()
                if r < 0.80:
                    amount = standard
                elif r < 0.95:
                    # Up to 10% above the standard price, in whole 1,000 so'm.
                    amount = standard + standard * randrange(1, 11) // 100 // 100_000 * 100_000
                else:  # a discount, never below the buy price
                    amount = max(cost, standard - standard * randrange(1, 8) // 100)
                extra = amount - standard
                director = (standard - cost) + min(extra, 0)
                if rand() < 0.015:  # returned in full and refunded
                    returned, refunded, kept_extra, kept_director = quantity, amount, 0, 0
                else:
                    returned, refunded, kept_extra, kept_director = 0, 0, extra, director
                counter += 1
                items.append(
                    (
                        f"{millis | id_base | counter:032x}",
                        sale_id,
                        position,
                        product.id,
                        product.size,
                        None if product.width is None else f"{product.width}×{_metres(quantity)}",
                        quantity,
                        amount,
                        product.standard,
                        product.standard,
                        product.buy,
                        None,
                        0,
                        extra,
                        director,
                        returned,
                        refunded,
                    )
                )
                total += amount
                extra_total += extra
                director_total += director
                cost_total += cost
                refunded_total += refunded
                product_row = r_products.get((day_text, product.id))
                if product_row is None:
                    product_row = r_products[(day_text, product.id)] = [branch_id, 0, 0, 0, 0, 0, 0]
                product_row[1] += 1
                product_row[2] += quantity - returned
                product_row[3] += amount
                product_row[4] += refunded
                product_row[5] += kept_extra
                product_row[6] += kept_director
                if product.size is not None:
                    kind = "meter" if product.meter else "unit"
                    size_key = (day_text, branch_id, kind, product.size)
                    size_row = r_sizes.get(size_key)
                    if size_row is None:
                        size_row = r_sizes[size_key] = [0, 0, 0, 0, 0, 0, 0]
                    if size_key not in sizes_of_sale:
                        sizes_of_sale.add(size_key)
                        size_row[0] += 1
                    size_row[1] += 1
                    size_row[2] += quantity - returned
                    size_row[3] += amount
                    size_row[4] += refunded
                    size_row[5] += kept_extra
                    size_row[6] += kept_director
                sale_row[1] += 1
                sale_row[2] += amount
                sale_row[3] += refunded
                sale_row[4] += kept_extra
                sale_row[5] += kept_director
            if rand() < 0.08 and total >= 200:
                cash = total // 200 * 100
                paid = [("cash", cash), ("card", total - cash)]
            else:
                paid = [(pay_types[bisect.bisect_right(pay_cum, rand() * pay_cum[-1])], total)]
            for position, (pay_type, amount) in enumerate(paid):
                counter += 1
                payments.append(
                    (f"{millis | id_base | counter:032x}", sale_id, position, pay_type, amount)
                )
                pay_row = r_payments.get((day_text, branch_id, seller_id, pay_type))
                if pay_row is None:
                    pay_row = r_payments[(day_text, branch_id, seller_id, pay_type)] = [0, 0]
                pay_row[0] += 1
                pay_row[1] += amount
            phone = phones[int(rand() * len(phones))] if rand() < 0.3 else None
            sales.append(
                (
                    sale_id,
                    f"{shop.codes[b]}-{receipt[b]:06d}",
                    branch_id,
                    seller_id,
                    FIRST_NAMES[int(rand() * len(FIRST_NAMES))] if phone else None,
                    phone,
                    None,
                    stamp,
                    stamp,
                    total,
                    extra_total,
                    director_total,
                    cost_total,
                    refunded_total,
                )
            )
            receipt[b] += 1
    return rows


def plan(
    shop: Shop, days: list[date], total: int, rnd: random.Random, spec: dict[str, Any]
) -> list[ChunkSpec]:
    """Sales per day and branch, cut into chunks of about CHUNK sales (whole days each)."""
    branch_cum = _cumulative(BRANCH_WEIGHTS[: len(shop.branch_ids)])
    chunks: list[ChunkSpec] = []
    receipt = list(shop.next_receipt)
    current_days: list[date] = []
    current_counts: list[list[int]] = []
    first = list(receipt)
    for day, count in zip(days, _day_counts(total, days, rnd), strict=True):
        per_branch = [0] * len(shop.branch_ids)
        for _ in range(count):
            per_branch[bisect.bisect_right(branch_cum, rnd.random() * branch_cum[-1])] += 1
        current_days.append(day)
        current_counts.append(per_branch)
        for b, n in enumerate(per_branch):
            receipt[b] += n
        if sum(map(sum, current_counts)) >= CHUNK or day == days[-1]:
            chunks.append(
                ChunkSpec(
                    index=len(chunks),
                    shop=shop,
                    days=current_days,
                    counts=current_counts,
                    first_receipt=first,
                    **spec,
                )
            )
            current_days, current_counts, first = [], [], list(receipt)
    return chunks


def write(writer: Writer, shop: Shop, rows: ChunkRows) -> None:
    """One chunk in one transaction: its sales, items, payments, rollups and counters."""
    writer.insert("sales", SALE_COLUMNS, rows.sales)
    writer.insert("sale_items", ITEM_COLUMNS, rows.items)
    writer.insert("sale_payments", PAYMENT_COLUMNS, rows.payments)
    rows.rollups.write(writer)
    # The sales service numbers its receipts on from here, gapless.
    writer.set_counters([(b, rows.last_receipt[i] - 1) for i, b in enumerate(shop.branch_ids)])
    writer.commit()
