"""The task queue on Redis with acknowledgement: Huey's RedisHuey pops a task before it runs, so a consumer killed
mid-task (SIGKILL, the OOM killer, a machine lost) loses it. Here a consumer moves each task atomically into its
own "working" list (BLMOVE) and removes it only once Huey is done with it (run, failed, scheduled for later,
revoked); every consumer keeps a heartbeat key alive, and working lists whose owner's heartbeat expired are put back
in the queue (at start and every half minute) — so after a crash a task may run twice, never zero times (at least
once, as MQTT QoS 1): periodic jobs recompute what they write; a notification may reach its reader twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from huey import RedisHuey
from huey.storage import RedisStorage

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 10
EXPIRES_SECONDS = 30


class AcknowledgingRedisStorage(RedisStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._local = threading.local()
        self._owner_pid: int | None = None

    # Keys ------------------------------------------------------------------------------------------------------
    @property
    def owner(self) -> str:
        return f"{socket.gethostname()}:{os.getpid()}"

    def working_key(self, owner: str | None = None) -> str:
        return f"{self.queue_key}:working:{owner or self.owner}"

    def alive_key(self, owner: str | None = None) -> str:
        return f"{self.queue_key}:alive:{owner or self.owner}"

    # The queue -------------------------------------------------------------------------------------------------
    def dequeue(self):
        self._start_heartbeat()
        if self.blocking:
            data = self.conn.blmove(self.queue_key, self.working_key(), self.read_timeout, "RIGHT", "LEFT")
        else:
            data = self.conn.lmove(self.queue_key, self.working_key(), "RIGHT", "LEFT")
        self._local.data = data
        return data

    def acknowledge(self) -> None:
        """The task this thread took last is done with: forget it."""
        data = getattr(self._local, "data", None)
        if data is not None:
            self.conn.lrem(self.working_key(), 1, data)
            self._local.data = None

    def working_count(self) -> int:
        return sum(self.conn.llen(key) for key in self.conn.scan_iter(f"{self.queue_key}:working:*"))

    # Crashed consumers ------------------------------------------------------------------------------------------
    def recover(self) -> int:
        """Put back in the queue what consumers without a heartbeat had taken; returns how many tasks."""
        prefix = f"{self.queue_key}:working:"
        moved = 0
        for key in self.conn.scan_iter(f"{prefix}*"):
            owner = key.decode()[len(prefix) :]
            if owner == self.owner or self.conn.exists(self.alive_key(owner)):
                continue
            # RIGHT to RIGHT: the oldest taken task goes back to the head of the line (it was waiting longest).
            while self.conn.lmove(key, self.queue_key, "RIGHT", "RIGHT") is not None:
                moved += 1
        if moved:
            log.warning("put %d task(s) of stopped consumers back in the queue", moved)
        return moved

    def _start_heartbeat(self) -> None:
        if self._owner_pid == os.getpid():
            return
        self._owner_pid = os.getpid()
        self.conn.set(self.alive_key(), b"1", ex=EXPIRES_SECONDS)
        threading.Thread(target=self._beat, name="taskqueue-heartbeat", daemon=True).start()
        self.recover()

    def _beat(self) -> None:
        beats = 0
        while True:
            time.sleep(HEARTBEAT_SECONDS)
            try:
                self.conn.set(self.alive_key(), b"1", ex=EXPIRES_SECONDS)
                beats += 1
                if beats % 3 == 0:
                    self.recover()
            except Exception:  # Redis away: the next beat tries again
                log.exception("task queue heartbeat failed")


class AcknowledgingRedisHuey(RedisHuey):
    storage_class = AcknowledgingRedisStorage

    def dequeue(self):
        data = self.storage.dequeue()
        if data is None:
            return None
        try:
            return self.deserialize_task(data)
        except Exception:
            self.storage.acknowledge()  # unreadable: it would fail again after every recovery
            raise

    def execute(self, task, timestamp=None):
        try:
            return super().execute(task, timestamp)
        finally:
            self.storage.acknowledge()
