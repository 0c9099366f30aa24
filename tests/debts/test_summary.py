"""The summary and the dashboard figures against a brute-force count of the same debts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from carpet_shop.core.repository import ALL_BRANCHES, BranchScope
from carpet_shop.debts import service as debts_service
from tests.factories import SHOP_TZ, auth_headers


@dataclass
class Known:
    branch_id: object
    remaining: Decimal
    deadline: date


def _expected(known, today, branch_id=None):
    sunday = today + timedelta(days=6 - today.weekday())
    rows = [k for k in known if k.remaining > 0 and (branch_id is None or k.branch_id == branch_id)]
    overdue = [k for k in rows if k.deadline < today]
    week = [k for k in rows if today <= k.deadline <= sunday]
    return {
        "outstanding_count": len(rows),
        "outstanding_amount": sum((k.remaining for k in rows), Decimal(0)),
        "overdue_count": len(overdue),
        "overdue_amount": sum((k.remaining for k in overdue), Decimal(0)),
        "due_this_week_count": len(week),
        "due_this_week_amount": sum((k.remaining for k in week), Decimal(0)),
    }


FIGURES = (
    "outstanding_count",
    "outstanding_amount",
    "overdue_count",
    "overdue_amount",
    "due_this_week_count",
    "due_this_week_amount",
)


def _figures(payload):
    return {name: Decimal(str(payload[name])) for name in FIGURES}


def test_summary_equals_a_brute_force_count(client, shop, factory, clock, db):
    rng = random.Random(20260310)
    branch_c = factory.branch("Yunusobod")
    branches = [shop.branch_a, shop.branch_b, branch_c]
    known = []
    for _ in range(24):
        branch = rng.choice(branches)
        total = Decimal(rng.randint(1, 500_000)) / 100 + 1
        deadline = factory.today() + timedelta(days=rng.randint(-12, 20))
        debt = factory.debt(branch=branch, total=total, deadline=deadline)
        remaining = total
        for _ in range(rng.randint(0, 3)):
            if remaining <= 0:
                break
            amount = min(remaining, Decimal(rng.randint(1, int(total * 100))) / 100)
            if rng.random() < 0.2:
                amount = remaining  # paid off
            factory.payment(debt, amount)
            remaining -= amount
        known.append(Known(branch.id, remaining, deadline))

    for shift in (0, 3, 9):  # the same debts seen on three different days
        clock.current = clock.current + timedelta(days=shift)
        today = factory.today()
        as_admin = auth_headers(client, shop.admin)
        summary = client.get("/api/debts/summary", headers=as_admin).json()["data"]
        assert summary["today"] == today.isoformat()
        assert _figures(summary) == _expected(known, today)
        by_branch = {b["branch_id"]: b for b in summary["branches"]}
        for branch in branches:
            want = _expected(known, today, branch.id)
            if want["outstanding_count"] == 0:
                assert str(branch.id) not in by_branch
                continue
            assert by_branch[str(branch.id)]["branch_name"] == branch.name
            assert _figures(by_branch[str(branch.id)]) == want

        as_b = auth_headers(client, shop.seller_b)
        mine = client.get("/api/debts/summary", headers=as_b).json()["data"]
        assert _figures(mine) == _expected(known, today, shop.branch_b.id)
        assert {b["branch_id"] for b in mine["branches"]} <= {str(shop.branch_b.id)}
        filtered = client.get(
            "/api/debts/summary", params={"branch_id": str(branch_c.id)}, headers=as_admin
        ).json()["data"]
        assert _figures(filtered) == _expected(known, today, branch_c.id)

        # The list agrees with the summary: overdue=true sums to the overdue amount.
        listed = client.get(
            "/api/debts", params={"overdue": True, "page_size": 200}, headers=as_admin
        ).json()
        assert listed["meta"]["total"] == summary["overdue_count"]
        assert sum(Decimal(str(d["remaining_amount"])) for d in listed["data"]) == Decimal(
            str(summary["overdue_amount"])
        )

        with db.transaction(write=False) as session:
            figures = debts_service.dashboard_figures(session, ALL_BRANCHES, clock, tz=SHOP_TZ)
            scoped = debts_service.dashboard_figures(
                session, BranchScope(allowed_branch_id=shop.branch_a.id), clock, tz=SHOP_TZ
            )
        expected = _expected(known, today)
        assert figures.overdue_debts_count == expected["overdue_count"]
        assert figures.outstanding_amount == expected["outstanding_amount"]
        assert figures.overdue_amount == expected["overdue_amount"]
        assert (
            scoped.overdue_debts_count == _expected(known, today, shop.branch_a.id)["overdue_count"]
        )


def test_an_empty_shop_owes_nothing(client, shop):
    summary = client.get("/api/debts/summary", headers=shop.as_admin).json()["data"]
    assert summary["outstanding_amount"] == 0 and summary["overdue_count"] == 0
    assert summary["branches"] == []
    assert summary["week_end"] == "2026-03-15"  # T0 is a Tuesday; weeks end on Sunday
