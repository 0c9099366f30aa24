"""How many processes serve the API, however the service was started.

SQLite's one-process modes (writes on the event loop, group commit; see core.database) are
wrong as soon as a second process writes to the same file, so the service counts the
processes before it starts: `WEB_CONCURRENCY` (set by `carpet-shop serve --workers`, and
read by uvicorn and gunicorn as their default), or the `--workers` of the command that
started it. A worker that uvicorn or gunicorn starts runs with that command's arguments:
gunicorn forks, and uvicorn spawns its workers with multiprocessing, which gives the child
its parent's `sys.argv`.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from typing import NoReturn

# uvicorn's exit status for a worker that could not start: its supervisor then stops.
STARTUP_FAILURE = 3


def workers_in_command(argv: list[str]) -> int:
    """The worker count a uvicorn, gunicorn or `carpet-shop serve` command line asks for."""
    for n, arg in enumerate(argv):
        value = None
        if arg in ("--workers", "-w") and n + 1 < len(argv):
            value = argv[n + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
        if value is not None:
            try:
                return max(1, int(value))
            except ValueError:
                return 1
    return 1


def serving_processes(web_concurrency: int) -> int:
    return max(web_concurrency, workers_in_command(sys.argv))


def refuse_to_start(message: str) -> NoReturn:
    """End a worker that must not serve, with one line on stderr.

    uvicorn's supervisor stops when a worker fails to start, but then exits with status 0,
    as if the service had been stopped on purpose; a script or service manager would not
    see that it never ran. A worker it spawned therefore ends the supervisor too (the other
    workers refuse on their own: they count the same processes)."""
    print(message, file=sys.stderr, flush=True)
    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid is not None:
        os.kill(parent.pid, signal.SIGKILL)
    raise SystemExit(STARTUP_FAILURE)
