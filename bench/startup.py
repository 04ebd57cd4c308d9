"""Start-to-ready and idle memory of the real service (`python app.py`).

For each database backend, starts the service N times on an EMPTY database (migrations plus the
built-in data load included) and once more on the now-populated database (a plain restart),
polls GET /readyz until it answers 200, then lets the process idle and reads its resident
memory (VmRSS) from /proc. Prints the figures next to the targets of issue #2:

    start-to-ready on an empty database  <= 2 s
    idle resident memory                 <= 120 MB

Run:  .venv/bin/python bench/startup.py [--runs 5] [--idle 3] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._databases import drop, empty_database  # noqa: E402

TARGET_READY_S = 2.0
TARGET_RSS_MB = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def run_once(database_url: str, idle_s: float) -> tuple[float, float]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("MicrosoftAppId", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not ready(port):
            if process.poll() is not None:
                raise RuntimeError(f"service exited with {process.returncode}")
            if time.perf_counter() - started > 60:
                raise RuntimeError("not ready after 60 s")
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        time.sleep(idle_s)
        return elapsed, rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--idle", type=float, default=3.0, help="seconds to idle before reading memory"
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            cold, memory, names = [], [], []
            url = ""
            for _ in range(args.runs):
                url, name = empty_database(backend, Path(tmp))
                names.append(name)
                seconds, mb = run_once(url, args.idle)
                cold.append(seconds)
                memory.append(mb)
            restart, restart_mb = run_once(url, args.idle)  # the last database, now populated
            for name in names:
                drop(backend, name)
            rows.append((backend, cold, restart, [*memory, restart_mb]))

    print(f"kombitbot start-up: {args.runs} cold starts per backend, idle {args.idle:.0f} s")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
    header = f"{'backend':<11} {'measure':<34} {'median':>9} {'max':>9} {'target':>9} {'ratio':>7}"
    print(header)
    print("-" * len(header))

    def line(backend: str, measure: str, values: list[float], target: float) -> None:
        median = statistics.median(values)
        print(
            f"{backend:<11} {measure:<34} {median:>9.2f} {max(values):>9.2f} "
            f"{target:>9.2f} {median / target:>7.2f}"
        )

    for backend, cold, restart, memory in rows:
        line(backend, "start-to-ready, empty db (s)", cold, TARGET_READY_S)
        line(backend, "start-to-ready, populated db (s)", [restart], TARGET_READY_S)
        line(backend, "idle resident memory (MB)", memory, TARGET_RSS_MB)
    print("\nratio = median / target (<= 1.00 meets the target)")


if __name__ == "__main__":
    main()
