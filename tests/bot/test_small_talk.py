"""A greeting or a thank-you gets an answer in kind, with questions that work — never "Det
forstod jeg ikke"; a greeting in front of a question does not hide the question."""

from __future__ import annotations

import pytest

from tests.conftest import BotClient


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hej", "Hej! Jeg svarer på spørgsmål"),
        ("godmorgen", "Hej! Jeg svarer på spørgsmål"),
        ("hello", "Hi! I answer questions"),
        ("tak for hjælpen", "Selv tak!"),
        ("thanks!", "You're welcome!"),
    ],
)
async def test_small_talk_is_answered_in_kind(bot: BotClient, text: str, expected: str) -> None:
    reply = await bot.ask(text)
    assert expected in reply
    assert "forstod jeg ikke" not in reply and "did not quite get" not in reply
    assert "Action.Submit" in reply  # the example questions are buttons


async def test_a_greeting_before_a_question_is_the_question(bot: BotClient) -> None:
    reply = await bot.ask("Hej, hvilke aftaler mangler Vejle?")
    assert "Aftaler – Vejle" in reply
