"""The real server (``netzwerker serve``, one process, loopback only) in a process of its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import attrs


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@attrs.define
class Server:
    process: subprocess.Popen[bytes]
    port: int
    #: Seconds from starting the process until ``/ready`` answered 200.
    startup_seconds: float

    def peak_mb(self) -> float:
        """The process's peak resident memory so far (VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return round(int(line.split()[1]) / 1024, 1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


#: The server's environment: as installed, Python keeps the bytecode of what it imports
#: (a machine that forbids writing it would measure compiling every module at each start).
SERVER_ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def start(folder: Path, log: Path) -> Server:
    port = free_port()
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "netzwerker", "serve", str(folder), "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1"],
        stdout=log.open("wb"), stderr=subprocess.STDOUT, env=SERVER_ENVIRONMENT,
    )  # fmt: skip
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start-up; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as answer:
                if answer.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError):
            pass
        if time.perf_counter() - began > 60:
            process.kill()
            raise RuntimeError(f"the server did not get ready within a minute; see {log}")
        time.sleep(0.01)
    return Server(process, port, round(time.perf_counter() - began, 3))
