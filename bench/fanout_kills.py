"""The reminder fan-out SIGKILLed at random moments: lost and duplicated cards per kill.

For each kill: a fresh database with the built-in data and 40 channel conversations,
``kombitbot remind --day 2025-12-12`` in a subprocess against a mock Bot Connector that answers
each card after 0.25 s, SIGKILL after a random delay (0.4-3.5 s: before the fan-out has begun,
while it sends four cards at a time, or after it is done), then the same command again with the
default 300-second lease. Per kill it reports the cards recorded as sent before the kill, the
cards in flight (Teams had them, the ledger did not yet say sent), lost (target 0), duplicated
(target ≤ in flight), whether the second run's summary matches the ledger, and how long the
second run took (it can only be quick by seeing the dead sender at once).

Run:  .venv/bin/python bench/fanout_kills.py [--kills 20] [--database sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._databases import postgres  # noqa: E402
from tests.support.connector import MockConnector  # noqa: E402
from tests.support.databases import DatabaseFactory  # noqa: E402
from tests.support.fanout_kills import KillResult, kill_once  # noqa: E402

CONVERSATIONS = 40


async def run(backend: str, urls: list[str], seed: int) -> list[KillResult]:
    draw = random.Random(seed)
    connector = MockConnector()
    await connector.start()
    try:
        return [
            await kill_once(url, connector, CONVERSATIONS, delay=draw.uniform(0.4, 3.5))
            for url in urls
        ]
    finally:
        await connector.stop()


def report(backend: str, results: list[KillResult]) -> bool:
    print(f"\n== {backend}: {len(results)} kills, {CONVERSATIONS} conversations each ==")
    print(
        f"{'kill':>4} {'at s':>6} {'sent before':>11} {'in flight':>9} {'lost':>5} "
        f"{'doubled':>7} {'summary':>8} {'2nd run s':>9}"
    )
    ok = True
    for n, r in enumerate(results, 1):
        good = r.lost == 0 and r.duplicated <= r.in_flight and r.summary_true
        ok = ok and good
        print(
            f"{n:>4} {r.delay:>6.2f} {r.sent_before_kill:>11} {r.in_flight:>9} {r.lost:>5} "
            f"{r.duplicated:>7} {'true' if r.summary_true else 'FALSE':>8} "
            f"{r.second_run_seconds:>9.2f}{'' if good else '  <-- NOT met'}"
        )
    mid = sum(1 for r in results if 0 < r.sent_before_kill < CONVERSATIONS)
    print(
        f"killed mid fan-out: {mid}; lost in all: {sum(r.lost for r in results)} (target 0); "
        f"doubled in all: {sum(r.duplicated for r in results)}, in flight in all: "
        f"{sum(r.in_flight for r in results)} (target doubled <= in flight, per kill) — "
        f"{'met' if ok else 'NOT met'}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--database", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args()
    # The mock connector's own complaints when a killed sender drops a connection mid-request.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    backends = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            target = postgres() if backend == "postgresql" else None
            factory = DatabaseFactory(backend, Path(tmp), target)
            try:
                urls = [factory.seeded() for _ in range(args.kills)]
                ok = report(backend, asyncio.run(run(backend, urls, args.seed))) and ok
            finally:
                factory.cleanup()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
