"""One base for every long-running consumer: MQTT ingest, the camera runners, the simulators, and what comes next
(crawlers, log collectors). As Zulip's queue workers and Frigate's processes: a subclass says what one unit of work
is; the base owns the loop.

The base gives every worker
- a stop signal (a `threading.Event`; SIGTERM and Ctrl-C set it in `ioc` commands),
- backoff on errors (1 s doubling to `max_backoff`), so a dead broker or camera is not hammered,
- a per-message time limit (`message_seconds`) on batch handlers: enforced with a real timer in the main thread,
  measured and logged elsewhere (Python cannot interrupt another thread),
- dead letters: a message that cannot be used is stored in `core.DeadLetter` with the reason and the raw payload;
  when a whole batch fails, each message is tried alone, so one bad message never holds back the others,
- replay of dead letters through the same handler (`replay_dead_letters`, the admin action, `ioc deadletters
  replay`),
- database-connection hygiene (`close_old_connections` after each unit, the thread's connection closed at the end),
- counters (received, stored, refused, dead-lettered, errors) saved every few seconds in `core.WorkerStatus`, which
  the health endpoint shows.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import close_old_connections, connection, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

# Batch handlers that dead letters can be replayed through, by the name stored on the letter (`DeadLetter.worker`).
_REPLAYERS: dict[str, Callable[[], Callable]] = {}


class MessageTimeout(Exception):
    """A message (or batch) took longer than the worker's per-message time limit."""


@dataclass
class Message:
    """One message from outside: where it came from (topic, file, stream) and its raw bytes."""

    topic: str
    payload: bytes
    ref: object = None  # the transport's own handle (an MQTT message to acknowledge)


@dataclass
class Counters:
    received: int = 0
    stored: int = 0
    refused: int = 0
    dead_lettered: int = 0
    errors: int = 0
    last_error: str = ""


def register_replayer(worker: str, handler_factory: Callable[[], Callable]) -> None:
    """Dead letters stored by `worker` are replayed through `handler_factory()` (a batch handler)."""
    _REPLAYERS[worker] = handler_factory


@contextmanager
def time_limit(seconds: float | None):
    """Raise MessageTimeout in the block after `seconds` (main thread only; elsewhere the block runs unbounded)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(*_args):
        raise MessageTimeout(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Worker:
    """A long-running consumer. Subclasses implement `run_once()` (one unit of work; return False when idle)."""

    name = "worker"
    max_backoff = 60.0
    idle_seconds = 0.2
    status_every = 5.0  # seconds between saves of the counters

    def __init__(self, name: str | None = None):
        self.name = name or self.name
        self.counters = Counters()
        self.detail: dict = {}  # what it says of its input (a camera's scene), shown by /api/health and /metrics
        self._status_saved = 0.0
        self.started_at = timezone.now()

    # What subclasses implement -------------------------------------------------------------------------------
    def setup(self) -> None:
        """Called once before the loop (connect to a broker, open a stream)."""

    def run_once(self) -> bool:
        raise NotImplementedError

    def teardown(self) -> None:
        """Called once after the loop, even after an error."""

    def on_error(self, exc: Exception) -> None:
        """A unit of work failed (after logging); e.g. mark a camera offline."""

    # The loop ------------------------------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Run until `stop` is set: errors back off and retry, the database connection is kept clean."""
        backoff = 1.0
        try:
            self.setup()
            # Say it runs now: a function worker (a simulator) is inside its one long unit of work until it stops,
            # and the health page must not go on showing how the last run ended.
            self.save_status(force=True)
            while not stop.is_set():
                try:
                    busy = self.run_once()
                    backoff = 1.0
                except StopWorker:
                    break
                except Exception as exc:
                    self.counters.errors += 1
                    self.counters.last_error = f"{type(exc).__name__}: {exc}"[:500]
                    log.exception("worker %s failed; retrying in %.0f s", self.name, backoff)
                    try:
                        self.on_error(exc)
                    except Exception:
                        log.exception("worker %s: error handler failed", self.name)
                    close_old_connections()
                    stop.wait(backoff)
                    backoff = min(backoff * 2, self.max_backoff)
                    continue
                finally:
                    close_old_connections()
                    self.save_status()
                if not busy:
                    stop.wait(self.idle_seconds)
        finally:
            try:
                self.teardown()
            finally:
                self.save_status(force=True, state="stopped")
                connection.close()  # this thread's connection, so nothing holds the database afterwards

    def save_status(self, *, force: bool = False, state: str = "running") -> None:
        """Keep the counters where the health endpoint reads them (every few seconds, and at the end)."""
        now = time.monotonic()
        if not force and now - self._status_saved < self.status_every:
            return
        self._status_saved = now
        from ioc.core.models import WorkerStatus

        c = self.counters
        try:
            WorkerStatus.objects.update_or_create(
                name=self.name,
                defaults={
                    "host": socket.gethostname()[:100],
                    "pid": os.getpid(),
                    "state": state,
                    "started_at": self.started_at,
                    "heartbeat_at": timezone.now(),
                    "received": c.received,
                    "stored": c.stored,
                    "refused": c.refused,
                    "dead_lettered": c.dead_lettered,
                    "errors": c.errors,
                    "last_error": c.last_error,
                    "detail": self.detail,
                },
            )
        except Exception:  # the database being away must not stop the worker; the next save catches up
            log.warning("worker %s: could not save its status", self.name, exc_info=True)


class StopWorker(Exception):
    """Raised by `run_once` when the work is finished (a recorded file played to its end)."""


class BatchWorker(Worker):
    """A worker that takes messages in batches and hands them to a batch handler.

    `handle(messages) -> [(index, reason)]` stores what it can inside one transaction and returns the messages it
    refused; refused messages go to dead letters. When the handler raises (or passes the time limit), the batch is
    rolled back and each message is tried alone: the one that fails goes to dead letters with the error, the others
    are stored.
    """

    message_seconds: float | None = 30.0

    def handle(self, messages: list[Message]) -> list[tuple[int, str]]:
        raise NotImplementedError

    def process(self, messages: list[Message]) -> None:
        """Handle a batch, dead-lettering what is refused; returns when every message is stored or dead-lettered."""
        if not messages:
            return
        self.counters.received += len(messages)
        try:
            with transaction.atomic(), time_limit(self.message_seconds):
                refused = self.handle(messages)
                self._dead_letter([(messages[i], reason) for i, reason in refused])
        except Exception as exc:  # MessageTimeout included: the batch rolled back
            close_old_connections()
            if len(messages) == 1:
                log.warning("worker %s: message on %s failed: %s", self.name, messages[0].topic, exc)
                reason = str(exc) if isinstance(exc, MessageTimeout) else f"{type(exc).__name__}: {exc}"
                self._dead_letter([(messages[0], reason)])
                refused = [(0, reason)]
            else:
                log.warning("worker %s: a batch of %s failed (%s); trying each alone", self.name, len(messages), exc)
                refused = self._one_by_one(messages)
        self.counters.refused += len(refused)
        self.counters.stored += len(messages) - len(refused)

    def _one_by_one(self, messages: list[Message]) -> list[tuple[int, str]]:
        refused = []
        for index, message in enumerate(messages):
            try:
                with transaction.atomic(), time_limit(self.message_seconds):
                    for _i, reason in self.handle([message]):
                        refused.append((index, reason))
                        self._dead_letter([(message, reason)])
            except Exception as exc:
                close_old_connections()
                reason = f"{type(exc).__name__}: {exc}"
                refused.append((index, reason))
                self._dead_letter([(message, reason)])
        return refused

    def _dead_letter(self, items: list[tuple[Message, str]]) -> None:
        if not items:
            return
        from ioc.core.models import DeadLetter

        DeadLetter.objects.bulk_create(
            [
                DeadLetter(
                    worker=self.name.split(":")[0][:50],
                    topic=message.topic[:300],
                    payload=bytes(message.payload[: DeadLetter.MAX_PAYLOAD]).decode("utf-8", "replace"),
                    reason=str(reason)[:500],
                )
                for message, reason in items
            ]
        )
        self.counters.dead_lettered += len(items)


class FunctionWorker(Worker):
    """A long-running function (a simulator) supervised by the base: restarted with backoff when it crashes."""

    def __init__(self, name: str, fn: Callable[[threading.Event], None], stop: threading.Event):
        super().__init__(name)
        self.fn, self.stop = fn, stop

    def run_once(self) -> bool:
        self.fn(self.stop)
        if not self.stop.is_set():  # it returned without being told to stop: run it again after a pause
            self.stop.wait(5)
        return True


def replay_dead_letters(letters) -> dict:
    """Send dead letters through their worker's handler again: those now accepted are deleted, the others keep
    their letter with the new reason and one more attempt. Returns {"replayed", "accepted", "refused"}."""
    from ioc.core.models import DeadLetter

    accepted = refused = 0
    by_worker: dict[str, list] = {}
    for letter in letters:
        by_worker.setdefault(letter.worker, []).append(letter)
    for worker_name, items in by_worker.items():
        factory = _REPLAYERS.get(worker_name)
        if factory is None:
            DeadLetter.objects.filter(pk__in=[x.pk for x in items]).update(
                reason=f"no handler to replay messages of worker {worker_name!r}"
            )
            refused += len(items)
            continue
        handler = factory()
        for letter in items:
            message = Message(topic=letter.topic, payload=letter.payload.encode("utf-8"))
            try:
                with transaction.atomic():
                    problems = handler([message])
                    if not problems:
                        letter.delete()
            except Exception as exc:
                problems = [(0, f"{type(exc).__name__}: {exc}")]
            if problems:
                refused += 1
                DeadLetter.objects.filter(pk=letter.pk).update(
                    reason=str(problems[0][1])[:500], attempts=letter.attempts + 1, replayed_at=timezone.now()
                )
            else:
                accepted += 1
    return {"replayed": accepted + refused, "accepted": accepted, "refused": refused}
