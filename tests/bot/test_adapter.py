"""The adapter's connections to the Bot Connector are shared and kept alive, never piled up."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tests.conftest import BotClient


@pytest.fixture
def no_garbage_collection() -> Iterator[None]:
    """Without the collector, nothing but the adapter itself can close a connection."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def test_replies_reuse_one_kept_alive_connection_instead_of_opening_one_each(
    bot: BotClient, no_garbage_collection: None
) -> None:
    questions = ["hjælp", "Hvilke aftaler mangler Vejle at underskrive?", "datastatus"] * 5
    for question in questions:
        assert await bot.ask(question)
        assert bot.connector.open_connections <= 1
    assert len(bot.connector.received) == len(questions)
    assert bot.connector.connections_opened == 1
