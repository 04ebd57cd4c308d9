"""A contact found from what the person wants, in the words people use."""

from __future__ import annotations

import pytest

from tests.conftest import BotClient

CASES = [
    ("hvem skal jeg skrive til om certifikater?", "Kontakt – certifikater", "kdi@kombit.dk"),
    ("hvem er ansvarlig for beskedfordeler?", "Kontakt – beskedfordeler", "kdi@kombit.dk"),
    ("hvor kan jeg få hjælp til filudveksling?", "Kontakt – filudveksling", "kdi@kombit.dk"),
    ("who should I write to about certificates?", "Contact – certifikat", "kdi@kombit.dk"),
    ("hvem kan jeg spørge om VALG?", "Kontakt – VALG", "SST@kombit.dk"),
]


@pytest.mark.parametrize(("question", "title", "address"), CASES, ids=[c[0] for c in CASES])
async def test_who_to_ask_about_a_topic(
    bot: BotClient, question: str, title: str, address: str
) -> None:
    answer = await bot.ask(question)
    assert answer.startswith(title) and address in answer
