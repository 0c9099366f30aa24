"""Speed lives behind one seam: services, routers and dependencies never touch the machinery.

Prepared statements, rows written without change tracking, raw driver work, kept reads and
the `Database` object (where calls run, group commit) belong to repositories and `core/`. A
service takes `(session, actor, clock, ...)`; a route declares its session and calls the
service. This reads every module of the domains (not their repositories) and fails on the
first that reaches past the seam.
"""

from __future__ import annotations

import ast
from pathlib import Path

import carpet_shop

PACKAGE = Path(carpet_shop.__file__).parent
# Behind the seam: the repositories and their statement modules.
BEHIND = {"repository.py", "sql.py"}
# Not domain code: the app's assembly, the command line, jobs and generators that own their
# transactions, and migrations.
OUTSIDE = {"core", "migrations", "demo_data"}
OUTSIDE_FILES = {"cli.py", "main.py", "demo.py", "jobs.py"}

MACHINERY_MODULES = {
    "carpet_shop.core.prepared",
    "carpet_shop.core.read_cache",
    "carpet_shop.core.database",
    "carpet_shop.core.group_commit",
    "carpet_shop.core.sqlite",
}
MACHINERY_NAMES = {"unsaved", "row_of", "insert_on_conflict", "Prepared", "connection_of"}
RAW_CALLS = {"connection", "raw_connection", "cursor", "exec_driver_sql", "read_cache"}


def _domain_modules() -> list[Path]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) == 1 and parts[0] in OUTSIDE_FILES:
            continue
        if parts[0] in OUTSIDE or path.name in BEHIND or path.name in OUTSIDE_FILES:
            continue
        modules.append(path)
    return modules


def _reaches_past_the_seam(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        where = f"{path}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [
                f"{where} imports {a.name}" for a in node.names if a.name in MACHINERY_MODULES
            ]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in MACHINERY_MODULES:
                found.append(f"{where} imports {node.module}")
            found += [
                f"{where} imports {a.name} from {node.module}"
                for a in node.names
                if a.name in MACHINERY_NAMES or f"{node.module}.{a.name}" in MACHINERY_MODULES
            ]
        elif isinstance(node, ast.Attribute) and node.attr in RAW_CALLS:
            found.append(f"{where} uses .{node.attr}")
        elif isinstance(node, ast.Name) and node.id == "Database":
            found.append(f"{where} uses the Database object")
    return found


def test_the_domains_are_checked():
    names = {str(p.relative_to(PACKAGE)) for p in _domain_modules()}
    assert {"sales/service.py", "sales/router.py", "auth/dependencies.py"} <= names
    assert "sales/repository.py" not in names


def test_services_routers_and_dependencies_stay_in_front_of_the_seam():
    found = [line for path in _domain_modules() for line in _reaches_past_the_seam(path)]
    assert found == []


def test_the_check_sees_a_service_reaching_past_the_seam(tmp_path):
    service = tmp_path / "service.py"
    service.write_text(
        "from carpet_shop.core.repository import BranchScope, unsaved\n"
        "from carpet_shop.core import prepared\n"
        "from carpet_shop.core.read_cache import kept\n"
        "def f(session, database):\n"
        "    session.connection().exec_driver_sql('SELECT 1')\n"
        "    database.read_cache('x', 1)\n",
    )
    found = _reaches_past_the_seam(service)
    assert len(found) == 6, found
