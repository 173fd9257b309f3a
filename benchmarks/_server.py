"""What the benchmarks share: a free port, waiting for a port to answer, the IOC web server in a child process."""

import socket
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing answers on port {port} after {seconds} s")


def start_server(port: int, env: dict, threads: int = 8) -> subprocess.Popen:
    """`ioc serve` on the port with the environment given, once it accepts connections."""
    server = subprocess.Popen(
        [sys.executable, "-m", "ioc.cli", "serve", "--port", str(port), "--threads", str(threads)], env=env
    )
    wait_port(port)
    return server
