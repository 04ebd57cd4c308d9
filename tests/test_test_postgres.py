"""The tests' own PostgreSQL: it starts from the wheel, and a killed test run leaves none behind."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import asyncpg

from tests.support.postgres import reap_orphans, throwaway_postgres

ROOT = Path(__file__).resolve().parents[1]
HOLD = """
import sys, time
from tests.support.postgres import throwaway_postgres
with throwaway_postgres() as server:
    print(server.root, server.admin_url, flush=True)
    time.sleep(120)
"""


def test_a_throwaway_server_answers_stops_starts_again_and_is_removed() -> None:
    async def version(url: str) -> str:
        connection = await asyncpg.connect(url)
        try:
            return str(await connection.fetchval("SHOW server_version"))
        finally:
            await connection.close()

    with throwaway_postgres() as server:
        assert asyncio.run(version(server.admin_url)).startswith("18")
        server.stop()
        server.start()
        assert asyncio.run(version(server.admin_url)).startswith("18")
        root = server.root
    assert not root.exists()


def test_the_server_of_a_killed_test_run_is_stopped_and_removed_by_the_next_run() -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    root_text, _url = holder.stdout.readline().split()
    root = Path(root_text)
    postmaster = int((root / "data" / "postmaster.pid").read_text().split()[0])
    holder.send_signal(signal.SIGKILL)  # no clean-up runs
    holder.wait()
    assert root.exists() and os.path.exists(f"/proc/{postmaster}")
    assert reap_orphans() >= 1
    assert not root.exists()
    assert (
        not os.path.exists(f"/proc/{postmaster}")
        or "Z" in Path(f"/proc/{postmaster}/stat").read_text().split()[2]
    )
