"""Scoping by construction: what a caller may list is confined in one place
(`BranchScope.conditions_on`, through `BranchScopedMixin.readable`), and the contract's 403
for another branch's object is raised in one place (`BranchScope.check`)."""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import pytest

import carpet_shop
from carpet_shop.core.errors import Forbidden
from carpet_shop.core.repository import ALL_BRANCHES, BranchScope
from carpet_shop.transfers.models import Transfer

PACKAGE = Path(carpet_shop.__file__).parent
# The product list binds the branch as a parameter of one statement per shape, and keys its
# kept pages by it: both read the branch, neither builds a condition of its own.
READS_THE_BRANCH = {"core/repository.py", "catalog/repository.py"}


def _modules() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts]


def test_no_list_is_confined_by_hand():
    found = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in _modules()
        if str(path.relative_to(PACKAGE)) not in READS_THE_BRANCH
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "list_branch_id"
    ]
    assert found == []


def test_the_branch_refusal_is_raised_by_the_scope_only():
    # A 403 about another branch's object comes from BranchScope.check, never hand-raised.
    found = []
    for path in _modules():
        if path.relative_to(PACKAGE) == Path("core/repository.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Forbidden"
                and any(
                    isinstance(a, ast.Constant) and "other branch" in str(a.value)
                    for a in node.args
                )
            ):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert found == []


def test_the_director_listing_every_branch_is_not_confined():
    assert ALL_BRANCHES.conditions_on(Transfer.from_branch_id) == []


def test_a_seller_is_confined_to_their_branch_whatever_they_ask_for():
    own, other = uuid.uuid4(), uuid.uuid4()
    scope = BranchScope(allowed_branch_id=own, requested_branch_id=other)
    (condition,) = scope.conditions_on(Transfer.from_branch_id, Transfer.to_branch_id)
    compiled = condition.compile()
    assert list(compiled.params.values()) == [own, own]
    assert "from_branch_id" in str(compiled) and "to_branch_id" in str(compiled)


def test_a_director_asking_for_one_branch_gets_that_branch():
    asked = uuid.uuid4()
    (condition,) = BranchScope(None, requested_branch_id=asked).conditions_on(Transfer.to_branch_id)
    assert list(condition.compile().params.values()) == [asked]


def test_an_object_of_another_branch_is_refused_unless_one_of_its_branches_is_theirs():
    own, other = uuid.uuid4(), uuid.uuid4()
    scope = BranchScope(allowed_branch_id=own)
    scope.check(other, own)  # a transfer coming to their branch
    with pytest.raises(Forbidden):
        scope.check(other)
    ALL_BRANCHES.check(other)
