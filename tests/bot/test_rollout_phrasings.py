"""A municipality's rollout asked in everyday words: when it came onto a solution, which wave."""

from __future__ import annotations

import pytest

from tests.conftest import BotClient

CASES = [
    ("hvornår kom Ikast-Brande på KY?", ["Go-live – Ikast-Brande", "KY – bølge B5: 7. juni 2021"]),
    ("hvilken bølge var Gentofte i?", ["Go-live – Gentofte", "KY – bølge B3: 8. marts 2021"]),
    ("hvornår startede Vejle på KY", ["Go-live – Vejle", "bølge B3"]),
    ("when did Vejle join KY?", ["Go-live – Vejle", "KY – wave B3: 8 March 2021"]),
    ("which wave was Gentofte in?", ["Go-live – Gentofte", "wave B3"]),
    ("hvilke kommuner var i bølge B3?", ["Bølge B3", "Gentofte", "Vejle"]),
]


@pytest.mark.parametrize(("question", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_rollout_questions_in_everyday_words(
    bot: BotClient, question: str, expected: list[str]
) -> None:
    answer = await bot.ask(question)
    for text in expected:
        assert text in answer
