"""What every `ioc` subcommand shares, core's and the domains' alike (Django is set up before they run)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable


def migrate(verbosity: int = 0) -> None:
    """Bring the database schema up to date (every command that writes may be the first on a new data dir)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def run_until_stopped(run: Callable[[threading.Event], None]) -> None:
    """Run `run(stop)` in this (main) thread until SIGTERM or Ctrl-C sets `stop`; it then finishes what it holds.

    In the main thread, so the worker base's per-message time limit (a real timer signal) applies.
    """
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run(stop)


def load_file(load: Callable, path: str, refused: type[Exception], prog: str = "ioc"):
    """Bring the schema up to date, then `load(Path(path))`. A file it refuses (`refused`, whose message says why)
    is reported on stderr and gives None; the command then exits with 2."""
    import sys
    from pathlib import Path

    migrate()
    try:
        return load(Path(path))
    except refused as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return None
