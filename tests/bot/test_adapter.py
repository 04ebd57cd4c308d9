"""The adapter leaves no connection to the Bot Connector open once a turn is over."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from tests.conftest import BotClient


@pytest.fixture
def no_garbage_collection() -> Iterator[None]:
    """Without the collector, only the adapter itself can close a turn's client."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def test_each_reply_s_connection_is_closed_when_the_turn_is_over(
    bot: BotClient, no_garbage_collection: None
) -> None:
    for question in ("hjælp", "Hvilke aftaler mangler Vejle at underskrive?", "datastatus"):
        assert await bot.ask(question)
        for _ in range(100):
            if bot.connector.open_connections == 0:
                break
            await asyncio.sleep(0.02)
        assert bot.connector.open_connections == 0
    assert len(bot.connector.received) == 3
