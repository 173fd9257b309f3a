"""The Redis task queue with acknowledgement: a consumer killed mid-task does not lose the task — another consumer
runs it once the dead one's heartbeat expired; a task that ran is not run again. Real Redis, real consumer
processes (Huey's own consumer loop)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

TASKS = """
import time
from ioc.core import taskqueue

taskqueue.EXPIRES_SECONDS, taskqueue.HEARTBEAT_SECONDS = 2, 0.5
huey = taskqueue.AcknowledgingRedisHuey("drill", url="{url}", read_timeout=0.5)


@huey.task()
def slow(path, seconds):
    with open(path, "a") as f:
        f.write("start\\n")
    time.sleep(seconds)
    with open(path, "a") as f:
        f.write("done\\n")
"""
CONSUMER = "import drilltasks; drilltasks.huey.create_consumer(workers=1, periodic=False, max_delay=0.5).run()"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (scripts/test installs it)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


def test_a_task_of_a_killed_consumer_runs_on_another_and_finished_tasks_stay_finished(redis_url, tmp_path):
    (tmp_path / "drilltasks.py").write_text(TASKS.replace("{url}", redis_url))
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.getcwd()}"}
    sys.path.insert(0, str(tmp_path))
    try:
        import drilltasks
    finally:
        sys.path.remove(str(tmp_path))
    log = tmp_path / "slow.log"

    def consumer():
        return subprocess.Popen(
            [sys.executable, "-c", CONSUMER],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    drilltasks.slow(str(log), 2)
    first = consumer()
    wait_until(lambda: log.exists() and "start" in log.read_text())
    first.send_signal(signal.SIGKILL)  # mid-task
    first.wait(10)
    assert drilltasks.huey.storage.working_count() == 1  # taken, not done: kept

    second = consumer()
    try:
        wait_until(lambda: "done" in log.read_text())
        assert log.read_text() == "start\nstart\ndone\n"  # run again by the second consumer, finished once

        quick = tmp_path / "quick.log"
        drilltasks.slow(str(quick), 0)
        wait_until(lambda: quick.exists() and "done" in quick.read_text())
        time.sleep(3)  # past the heartbeat expiry and several recoveries: nothing runs it again
        assert quick.read_text() == "start\ndone\n"
        assert drilltasks.huey.storage.working_count() == 0
        assert drilltasks.huey.pending_count() == 0
    finally:
        second.terminate()
        second.wait(10)
