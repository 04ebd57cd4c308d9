"""The test command checks what it needs first and says in one sentence what is missing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def preflight(**environment: str) -> tuple[int, str, float]:
    env = {k: v for k, v in os.environ.items() if k != "KOMBITBOT_TEST_POSTGRES_URL"}
    env.update(environment)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "preflight.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return done.returncode, done.stderr, time.monotonic() - started


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_given_server_that_does_not_answer_stops_the_run_at_once_with_one_sentence() -> None:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/postgres"
    code, said, seconds = preflight(KOMBITBOT_TEST_POSTGRES_URL=url)
    assert code == 2 and seconds < 10
    lines = said.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scripts/test cannot run:")
    assert "does not answer" in lines[0] and lines[0].endswith(".")


def test_a_url_that_is_not_postgresql_is_named() -> None:
    code, said, _ = preflight(KOMBITBOT_TEST_POSTGRES_URL="mysql://root@127.0.0.1/test")
    assert code == 2 and "must be a postgresql:// URL" in said


def test_without_a_url_this_machine_can_start_its_own_server() -> None:
    code, said, _ = preflight()
    assert (code, said) == (0, "")


def test_the_test_command_runs_the_check_before_installing_anything() -> None:
    script = (ROOT / "scripts" / "test").read_text().splitlines()
    check = next(n for n, line in enumerate(script) if "preflight.py" in line)
    install = next(n for n, line in enumerate(script) if "_venv.sh" in line)
    assert check < install
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("exec scripts/test")
