"""The `carpet-shop` command: serve, migrate, seed, create-admin, backup, restore, import."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from carpet_shop import __version__
from carpet_shop.core.config import get_settings

ADMIN_PASSWORD_ENV = "ADMIN_PASSWORD"


class PlainErrors(TyperGroup):
    """Every command's failure said in a line or two (core.plain_errors), with an exit code;
    the traceback only with `carpet-shop --debug ...`."""

    def invoke(self, ctx: Any) -> Any:  # Typer's (vendored) click.Context
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            # Typer's own: usage errors and exits, already said in its words.
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            from carpet_shop.core.plain_errors import explain

            message, code = explain(exc)
            typer.secho(message, fg=typer.colors.RED, err=True)
            raise typer.Exit(code) from None


app = typer.Typer(
    cls=PlainErrors,
    help="Carpet Shop backend.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"carpet-shop {__version__}")
        raise typer.Exit


@app.callback()
def main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when a command fails")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit"
        ),
    ] = False,
) -> None:
    """Carpet Shop backend."""


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def _metrics_folder() -> None:
    """Where the workers write their metrics for each other (core.metrics), emptied first:
    samples of an earlier run must not be added to this one's."""
    import atexit
    import shutil
    import tempfile

    # core.metrics.MULTIPROCESS_DIR_ENV, not imported: it must be set before prometheus_client
    # is first imported.
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
    else:
        folder = tempfile.mkdtemp(prefix="carpet-shop-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
    migrate: Annotated[
        bool, typer.Option("--migrate", help="Bring the schema up to date before serving")
    ] = False,
) -> None:
    """Serve the API (docs at /docs). Refuses a database whose schema is not up to date."""
    # Before the settings are read: the workers (and this process) must agree on how many
    # processes share the database. Several processes never run SQLite on the event loop nor
    # commit in groups (core.database); asking for either explicitly is refused below.
    os.environ["WEB_CONCURRENCY"] = str(workers)
    if workers > 1:
        os.environ.setdefault("SQLITE_ON_LOOP", "false")
        os.environ.setdefault("GROUP_COMMIT", "false")
        _metrics_folder()
    import uvicorn

    from carpet_shop.core import logs, migrations, preflight
    from carpet_shop.core.database import make_engine
    from carpet_shop.core.redis import SharedRedis

    get_settings.cache_clear()
    settings = get_settings()
    settings.check_safe_to_serve()
    settings.check_processes(workers)
    logs.configure(settings)
    shared = SharedRedis.from_settings(settings)
    if shared is not None:
        shared.check()
        shared.client.close()
    preflight.check_database_directory(settings.database_url)
    preflight.check_port_free(host, port)
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            state = preflight.schema_state(connection)
    finally:
        engine.dispose()
    if state.pending:
        if not migrate:
            raise _fail(
                f"Not serving: {state.describe()}. Run `carpet-shop migrate` first "
                "(back up first), or start with `carpet-shop serve --migrate`."
            )
        migrations.upgrade(settings.database_url)
        typer.echo(f"Migrated: {state.describe()}")
    uvicorn.run(
        "carpet_shop.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        # Proxy headers are read by the service itself, from FORWARDED_ALLOW_IPS only
        # (core.http); uvicorn's lines go through the service's format (core.logs).
        proxy_headers=False,
        access_log=False,
        log_config=None,
    )


@app.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Bring the database schema up to date (Alembic upgrade)."""
    from carpet_shop.core import migrations, preflight

    settings = get_settings()
    preflight.check_database_directory(settings.database_url)
    migrations.upgrade(settings.database_url, revision)
    typer.echo(f"Database at revision {revision}")


@app.command()
def seed(demo: Annotated[bool, typer.Option("--demo", help="Load the demo shop")] = False) -> None:
    """Load demo data (idempotent: running it twice adds nothing)."""
    from carpet_shop import demo as demo_data
    from carpet_shop.auth.policy import AuthPolicy
    from carpet_shop.catalog.views import LowStockDefaults
    from carpet_shop.core.clock import SystemClock
    from carpet_shop.core.database import Database

    if not demo:
        typer.echo("Nothing to do: pass --demo to load the demo shop.")
        raise typer.Exit(1)
    settings = get_settings()
    database = Database.from_settings(settings)
    try:
        with database.transaction() as session:
            demo_data.seed_demo(
                session,
                SystemClock(),
                AuthPolicy.from_settings(settings),
                settings.tz,
                LowStockDefaults.from_settings(settings),
            )
    finally:
        database.dispose()
    typer.echo("Demo data ready: admin/admin123, seller1/seller123, seller2/seller123")


@app.command("demo-data")
def demo_data(
    sales: Annotated[int, typer.Option(min=0, help="How many sales to add")] = 10_000,
    days: Annotated[int, typer.Option(min=1, help="Spread over this many days up to today")] = 365,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same data")] = 7,
    products: Annotated[
        int, typer.Option(min=1, help="Products made in each branch that has none")
    ] = 40,
) -> None:
    """Generate a large, realistic sales history (and the shop it needs) quickly."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from carpet_shop import demo_data as generator
    from carpet_shop.auth.policy import AuthPolicy
    from carpet_shop.core.clock import SystemClock
    from carpet_shop.core.database import Database

    settings = get_settings()
    database = Database.from_settings(settings)
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns) as progress:
            task = progress.add_task("Sales", total=sales)
            summary = generator.generate(
                database,
                SystemClock(),
                AuthPolicy.from_settings(settings),
                settings.tz,
                sales=sales,
                days=days,
                seed=seed,
                products_per_branch=products,
                on_progress=lambda n: progress.advance(task, n),
            )
    finally:
        database.dispose()
    typer.echo(
        f"Added {summary.sales} sales ({summary.items} items, {summary.payments} payments) "
        f"from {summary.first_day} to {summary.last_day}"
    )


@app.command("analytics-rebuild")
def analytics_rebuild() -> None:
    """Recompute the analytics rollups from the receipts (stop the service first)."""
    from carpet_shop.analytics import service as analytics_service
    from carpet_shop.core.database import Database

    settings = get_settings()
    database = Database.from_settings(settings)
    try:
        with database.transaction() as session:
            sales = analytics_service.rebuild(session, settings.tz)
    finally:
        database.dispose()
    typer.echo(f"Rollups rebuilt from {sales} sales")


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(prompt=True)],
    full_name: Annotated[str, typer.Option(help="Shown in the app; optional")] = "",
) -> None:
    """Create a director (admin) account. The password is asked for, or read from
    ADMIN_PASSWORD; never from the command line, where other users and the shell history
    would see it."""
    from pydantic import ValidationError

    from carpet_shop import demo as demo_data
    from carpet_shop.auth.policy import AuthPolicy
    from carpet_shop.core.clock import SystemClock
    from carpet_shop.core.database import Database
    from carpet_shop.users import service as users_service
    from carpet_shop.users.schemas import UserCreate

    password = os.environ.get(ADMIN_PASSWORD_ENV)
    if not password:
        try:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        except typer.Abort:
            raise _fail(
                f"No password given: type it when asked, or set {ADMIN_PASSWORD_ENV}."
            ) from None
    try:
        data = UserCreate(username=username, password=password, full_name=full_name)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise _fail(f"Cannot create the admin: {problems}") from exc
    settings = get_settings()
    database = Database.from_settings(settings)
    try:
        with database.transaction() as session:
            if users_service.find_for_login(session, data.username) is not None:
                raise _fail(f"User {data.username} already exists", 1)
            demo_data.ensure_admin(
                session,
                SystemClock(),
                AuthPolicy.from_settings(settings),
                data.username,
                data.password,
                data.full_name,
            )
    finally:
        database.dispose()
    typer.echo(f"Admin {data.username} created")


@app.command()
def backup(
    path: Annotated[
        Path | None,
        typer.Argument(help="New file, or a folder for dated backups (default: BACKUP_DIR)"),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(min=1, help="In a folder: keep only the newest N backups (default 14)"),
    ] = None,
) -> None:
    """Back up the SQLite database while the service runs, then check the copy.

    Into a folder (BACKUP_DIR unless given), each backup is `carpet_shop-<UTC time>.db` and
    only the newest --keep are kept: what the service's own schedule does every
    BACKUP_INTERVAL_HOURS."""
    from datetime import UTC, datetime

    from carpet_shop.core import backup as backups

    settings = get_settings()
    try:
        if path is None or path.is_dir() or keep is not None:
            folder = path or Path(settings.backup_dir)
            written = backups.backup_into(
                settings.database_url,
                folder,
                keep=keep or settings.backup_keep,
                now=datetime.now(UTC),
            )
        else:
            written = backups.backup(settings.database_url, path)
    except backups.BackupError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"Backup written to {written} (integrity ok)")


@app.command()
def restore(path: Annotated[Path, typer.Argument(help="Backup file to restore from")]) -> None:
    """Replace the SQLite database with a backup (stop the service first), then check it."""
    from carpet_shop.core import backup as backups

    try:
        target = backups.restore(get_settings().database_url, path)
    except backups.BackupError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(
        f"Restored {path} into {target} (integrity ok); run `carpet-shop migrate` if it is older"
    )


if __name__ == "__main__":
    app()


import_app = typer.Typer(help="Import data from files, with a preview first.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("products")
def import_products(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8) or XLSX in the import columns")],
    commit: Annotated[
        bool, typer.Option("--commit", help="Import what the preview shows (else only check)")
    ] = False,
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="The director recorded as importing (default: the first)"),
    ] = None,
) -> None:
    """Check a product file row by row; with --commit, import it in one transaction."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from carpet_shop.catalog.views import LowStockDefaults
    from carpet_shop.core import i18n
    from carpet_shop.core.clock import SystemClock
    from carpet_shop.core.database import Database
    from carpet_shop.core.errors import AppError
    from carpet_shop.core.i18n import translate
    from carpet_shop.imports import service as imports_service

    console = Console(stderr=False, highlight=False)
    try:
        content = file.read_bytes()
    except OSError as exc:
        typer.secho(f"Cannot read {file}: {exc.strerror}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    settings = get_settings()
    database = Database.from_settings(settings)
    clock = SystemClock()
    # The file's problems are message ids: said in the LANGUAGE setting's language.
    language = i18n.use(settings.language)
    try:
        with database.transaction() as session:
            actor = imports_service.director(session, as_user)
            if actor is None:
                typer.secho(
                    "No such active director (admin) to import as", fg=typer.colors.RED, err=True
                )
                raise typer.Exit(2)
            with Progress(console=console, transient=True) as bar:
                task = bar.add_task("Checking rows", total=None)
                preview = imports_service.preview_products(
                    session,
                    actor,
                    clock,
                    file.name,
                    content,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
            view = imports_service.view(preview)
        totals = view.totals
        console.print(
            f"{totals.rows} rows: {totals.create} to create, {totals.update} to update, "
            f"{totals.error} with errors"
        )
        problems = [r for r in view.rows if r.errors]
        if problems:
            table = Table("line", "name", "problems")
            for row in problems[:50]:
                table.add_row(
                    str(row.line),
                    row.name,
                    "; ".join(f"{e.field}: {e.message}" for e in row.errors),
                )
            console.print(table)
            if len(problems) > 50:
                console.print(f"… and {len(problems) - 50} more rows with errors")
        if not commit:
            console.print(
                "Nothing imported. Run again with --commit, or commit this preview within "
                f"30 minutes: POST /api/import/{view.id}/commit"
            )
            return
        with database.transaction() as session, Progress(console=console, transient=True) as bar:
            task = bar.add_task("Importing", total=None)
            result = imports_service.commit(
                session,
                actor,
                clock,
                view.id,
                low_stock=LowStockDefaults.from_settings(settings),
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        console.print(
            f"Imported: {result.created} created, {result.updated} updated, "
            f"{result.skipped_errors} rows with errors skipped"
        )
    except AppError as exc:
        typer.secho(translate(exc.message), fg=typer.colors.RED, err=True)
        for problem in exc.details.get("fields", []):
            typer.secho(
                f"  {problem['field']}: {translate(problem['message'])}",
                fg=typer.colors.RED,
                err=True,
            )
        raise typer.Exit(1) from exc
    finally:
        database.dispose()
        i18n.reset(language)
