"""Typed clients generated from /openapi.json compile, as the app's developers make them.

openapi-generator (its jar from PyPI, run on the machine's Java) validates the document and
generates a typescript-fetch client, which must compile with `tsc --strict`; openapi-typescript's
types must compile too. The npm tools live in clients/check (scripts/client-tools installs them).
Slow (a JVM and two compilations), so each runs once, not per database.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from carpet_shop.core.config import Settings
from carpet_shop.main import create_app
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = ROOT / "clients" / "check" / "node_modules" / ".bin"
GENERATOR = Path(shutil.which("openapi-generator-cli") or ROOT / ".venv/bin/openapi-generator-cli")
TSC_STRICT = ["--strict", "--noEmit", "--target", "es2017", "--module", "commonjs"]

pytestmark = pytest.mark.slow


def _tool(path: Path, what: str) -> Path:
    if os.environ.get("CI") != "true" and not os.environ.get("CARPET_SHOP_CLIENT_CHECK"):
        # Minutes of JVM and compiler: CI always runs it, a developer asks for it.
        pytest.skip("generated-client check: runs in CI, or with CARPET_SHOP_CLIENT_CHECK=1")
    if path.exists() and (what != "openapi-generator" or shutil.which("java")):
        return path
    message = f"{what} is not installed: run scripts/client-tools"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _run(*args: str | Path, cwd: Path) -> str:
    done = subprocess.run(  # noqa: S603 (our own tools, our own arguments)
        [str(a) for a in args],
        cwd=cwd,
        # Away from any terminal: the generator's JVM asks the terminal about itself and, in a
        # background job (a landing script's `scripts/test &`), would be stopped (SIGTTOU).
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    return output


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("openapi")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=f"sqlite:///{folder / 'unused.db'}",
        secret_key=TEST_SECRET,
        uploads_dir=str(folder / "uploads"),
    )
    app = create_app(settings=settings)
    path = folder / "openapi.json"
    path.write_text(json.dumps(app.openapi()), encoding="utf-8")
    app.state.database.dispose()
    return path


def test_openapi_generator_finds_nothing_wrong(spec_file):
    generator = _tool(GENERATOR, "openapi-generator")
    output = _run(generator, "validate", "-i", spec_file, cwd=spec_file.parent)
    assert "No validation issues detected" in output, output


def test_the_typescript_fetch_client_compiles_strict(spec_file, tmp_path):
    generator = _tool(GENERATOR, "openapi-generator")
    tsc = _tool(NODE_BIN / "tsc", "typescript")
    out = tmp_path / "client"
    _run(generator, "generate", "-i", spec_file, "-g", "typescript-fetch", "-o", out, cwd=tmp_path)
    api = (out / "apis" / "SalesApi.ts").read_text(encoding="utf-8")
    # Short operation ids, one Idempotency-Key, the director's and a seller's sale told apart.
    assert "async salesCreate(" in api
    assert "headerParameters['Idempotency-Key']" in api
    assert (out / "models" / "AnySaleRead.ts").exists()
    assert not (out / "models" / "Data.ts").exists()
    assert not list((out / "models").glob("Data[0-9]*.ts"))
    (tmp_path / "use.ts").write_text(
        'import { Configuration, SalesApi, ErrorCode, instanceOfSaleAdminRead } from "./client";\n'
        'const api = new SalesApi(new Configuration({ basePath: "http://shop" }));\n'
        "export async function ringUp(productId: string): Promise<string> {\n"
        "  const answer = await api.salesCreate({\n"
        "    saleCreate: { productId, quantity: 1, amount: 150000.5, paymentType: 'cash' },\n"
        "    idempotencyKey: 'sale-1',\n"
        "  });\n"
        "  const sale = answer.data;\n"
        "  const cost = instanceOfSaleAdminRead(sale) ? sale.directorProfit : undefined;\n"
        "  return `${sale.receiptNumber} ${cost ?? ''}`;\n"
        "}\n"
        "export const stockCode: ErrorCode = ErrorCode.InsufficientStock;\n",
        encoding="utf-8",
    )
    _run(tsc, *TSC_STRICT, "--lib", "es2017,dom", "use.ts", cwd=tmp_path)


def test_openapi_typescript_types_compile_strict(spec_file, tmp_path):
    openapi_typescript = _tool(NODE_BIN / "openapi-typescript", "openapi-typescript")
    tsc = _tool(NODE_BIN / "tsc", "typescript")
    _run(openapi_typescript, spec_file, "-o", tmp_path / "schema.d.ts", cwd=tmp_path)
    (tmp_path / "use.ts").write_text(
        'import type { paths, components } from "./schema";\n'
        'type Created = paths["/api/sales"]["post"]["responses"][201]["content"]'
        '["application/json"];\n'
        'type Code = components["schemas"]["ErrorBody"]["code"];\n'
        'export const code: Code = "INSUFFICIENT_STOCK";\n'
        "// @ts-expect-error: error codes are the contract's, nothing else\n"
        'export const unknown: Code = "SOMETHING_ELSE";\n'
        'export const price: components["schemas"]["ProductRead"]["sell_price"] = 150000.5;\n'
        "export function receipt(answer: Created): string {\n"
        "  return answer.data.receipt_number;\n"
        "}\n",
        encoding="utf-8",
    )
    _run(tsc, *TSC_STRICT, "use.ts", cwd=tmp_path)
