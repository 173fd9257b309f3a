"""Database helpers shared by the domains."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import connections

_sqlite_writer = threading.RLock()


@contextmanager
def one_writer(using: str = "default"):
    """On SQLite, let one thread of this process write at a time.

    SQLite allows one writer; threads that meet its lock wait in its busy handler, which sleeps 1, 2, 5 … 100 ms
    between tries, so under a few concurrent writers most of a request's time was sleeping. Queuing on a Python
    lock hands the database over at once. PostgreSQL writes concurrently and is left alone.
    """
    if connections[using].vendor != "sqlite":
        yield
        return
    with _sqlite_writer:
        yield
