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


class Supervisor:
    """The demo's child processes (worker, simulators): a child that dies is started again (at most once every
    `backoff` seconds), and `stop()` ends them all — SIGTERM, then SIGKILL after `grace` seconds."""

    def __init__(self, commands: dict[str, list[str]], env: dict, backoff: float = 5.0, grace: float = 10.0):
        import subprocess

        self._popen = lambda command: subprocess.Popen(command, env=env)
        self.commands, self.backoff, self.grace = commands, backoff, grace
        self.children = {name: self._popen(command) for name, command in commands.items()}
        self.restarts: dict[str, int] = dict.fromkeys(commands, 0)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        import sys

        while not self._stopping.wait(1.0):
            for name, child in list(self.children.items()):
                if child.poll() is not None and not self._stopping.is_set():
                    print(f"ioc demo: the {name} stopped (exit {child.returncode}); starting it again", file=sys.stderr)
                    self._stopping.wait(self.backoff)
                    if not self._stopping.is_set():
                        self.children[name] = self._popen(self.commands[name])
                        self.restarts[name] += 1

    def stop(self) -> None:
        import subprocess
        import time

        self._stopping.set()
        self._thread.join(timeout=self.backoff + 2)
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
