"""scripts/check_imports: the domains' services never import each other in a circle."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check_imports"


def _checker() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("check_imports", str(SCRIPT))
    spec = importlib.util.spec_from_loader("check_imports", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / "carpet_shop" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for folder in (root / "carpet_shop").rglob("*"):
        if folder.is_dir() and not (folder / "__init__.py").exists():
            (folder / "__init__.py").write_text("")
    (root / "carpet_shop" / "__init__.py").touch()


def test_the_service_has_no_import_cycles():
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "imports: no cycles"


def test_services_calling_each_other_in_a_circle_are_found(tmp_path):
    # auth <-> users the way it was: each service importing the other's, one of them inside
    # a function (a dodge, still the circle).
    _write(
        tmp_path,
        {
            "auth/service.py": "from carpet_shop.users import service as users_service\n",
            "users/service.py": (
                "def end():\n    from carpet_shop.auth import service\n    return service\n"
            ),
            "users/repository.py": "from carpet_shop.users.models import User\n",
            "users/models.py": "User = object\n",
        },
    )
    problems = _checker().check(tmp_path)
    assert any("modules import each other in a circle" in p for p in problems)
    [domains] = [p for p in problems if p.startswith("domains call")]
    assert "auth -> users -> auth" in domains
    assert "carpet_shop.users.service imports carpet_shop.auth.service" in domains


def test_a_circle_through_several_domains_and_helper_modules_is_found(tmp_path):
    # Not a cycle of modules, but of domains: catalog's rules call branches', whose service
    # calls users', whose service calls catalog's.
    _write(
        tmp_path,
        {
            "catalog/rules.py": "from carpet_shop.branches import service\n",
            "catalog/service.py": "",
            "branches/service.py": "import carpet_shop.users.service\n",
            "users/service.py": "from carpet_shop.catalog.service import thing\n",
        },
    )
    problems = _checker().check(tmp_path)
    assert not any("modules import each other" in p for p in problems)
    [domains] = problems
    assert "branches, catalog, users" in domains


def test_reading_another_domains_repository_is_no_circle(tmp_path):
    _write(
        tmp_path,
        {
            "auth/service.py": "from carpet_shop.users.repository import UserRepository\n",
            "users/service.py": "from carpet_shop.auth import service as auth_service\n",
            "users/repository.py": "from carpet_shop.users.models import User\n",
            "users/models.py": "from carpet_shop.auth.models import Session\n",
            "auth/models.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from carpet_shop.users.models import User\n"
            ),
        },
    )
    assert _checker().check(tmp_path) == []


def test_a_shared_module_calling_another_domains_service_is_refused(tmp_path):
    _write(
        tmp_path,
        {
            "sales/repository.py": "from carpet_shop.debts import service\n",
            "debts/service.py": "",
        },
    )
    assert _checker().check(tmp_path) == [
        "carpet_shop.sales.repository is shared (repository) but imports carpet_shop.debts.service"
    ]
