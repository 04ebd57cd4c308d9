"""Task titles as an answer shows them: as written, without the slides' provisional marker."""

from __future__ import annotations

from tests.conftest import BotClient


async def test_task_titles_are_shown_without_the_slides_provisional_marker(bot: BotClient) -> None:
    answer = await bot.ask("hvilke KLIK-opgaver har SAPA?")
    assert "Opret og underskriv aftale for visning af forskudsopgørelse" in answer
    assert "Arbejdstitel" not in answer
