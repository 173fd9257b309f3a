"""The health page tells the truth about long-running workers while they run, not how their last run ended."""

import threading
import time

import pytest

from ioc.core.models import WorkerStatus
from ioc.core.workers import FunctionWorker

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_running_simulator_shows_as_running():
    WorkerStatus.objects.create(name="simulator:test", state="stopped")  # how the previous run ended
    stop, started = threading.Event(), threading.Event()

    def simulate(stop_event):
        started.set()
        stop_event.wait()

    thread = threading.Thread(target=FunctionWorker("simulator:test", simulate, stop).run, args=(stop,))
    thread.start()
    try:
        assert started.wait(10)
        deadline = time.monotonic() + 10
        while WorkerStatus.objects.get(name="simulator:test").state != "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert WorkerStatus.objects.get(name="simulator:test").state == "running"
    finally:
        stop.set()
        thread.join(10)
    assert WorkerStatus.objects.get(name="simulator:test").state == "stopped"
