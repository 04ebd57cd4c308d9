"""A fan-out killed at random moments loses no card, sends again at most what was in flight,
and the run after it reports what the ledger says (bench/fanout_kills.py does 20 and more)."""

from __future__ import annotations

import random

import pytest

from tests.support.connector import MockConnector
from tests.support.databases import DatabaseFactory
from tests.support.fanout_kills import kill_once

KILLS = 6
CONVERSATIONS = 40


@pytest.fixture
def fresh_databases(backend: str, database_factories: dict[str, DatabaseFactory]) -> list[str]:
    """One seeded database per kill, so every experiment starts with an empty ledger."""
    return [database_factories[backend].seeded() for _ in range(KILLS)]


async def test_random_kills_lose_nothing_and_double_at_most_what_was_in_flight(
    fresh_databases: list[str], connector: MockConnector
) -> None:
    draw = random.Random(20261204)
    results = [
        await kill_once(url, connector, CONVERSATIONS, delay=draw.uniform(0.4, 3.5))
        for url in fresh_databases
    ]
    for result in results:
        assert result.lost == 0, result
        assert result.duplicated <= result.in_flight, result
        assert result.summary_true, result
        # The default lease is 300 s: finishing at once means the dead sender was seen as dead.
        assert result.second_run_seconds < 30, result
    assert any(0 < r.sent_before_kill < CONVERSATIONS for r in results), results
