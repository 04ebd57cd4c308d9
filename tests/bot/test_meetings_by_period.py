"""A past meeting asked for by its month or date: that meeting's date, participants, agenda or
tasks — or, for a month without one, which meetings are known."""

from __future__ import annotations

from tests.conftest import BotClient


async def test_the_participants_of_a_meeting_named_by_month(bot: BotClient) -> None:
    answer = await bot.ask("hvor mange deltog i mødet i maj 2023?")
    assert answer.startswith("Programledermøde maj 2023")
    assert "30. maj 2023. Deltagere: 87 kommuner (119 deltagere)" in answer
    english = await bot.ask("what happened at the meeting in May 2023?")
    assert "Participants: 87 kommuner (119 deltagere)" in english and "Agenda" in english


async def test_the_agenda_of_a_meeting_named_by_month(bot: BotClient) -> None:
    answer = await bot.ask("hvad var dagsordenen på mødet i marts 2020?")
    assert "Programledermøde marts 2020 – 30.–31. marts 2020" in answer
    assert "Dagsorden" in answer and "Velkomst og dagens programledermøde" in answer


async def test_the_tasks_of_a_meeting_named_by_month(bot: BotClient) -> None:
    answer = await bot.ask("opgaver fra mødet i september 2020")
    assert answer.startswith("Opgaver for jer fra Programledermøde september 2020")
    assert "Giv besked på kdi@kombit.dk" in answer


async def test_a_month_without_a_meeting_says_so_and_names_the_known_ones(bot: BotClient) -> None:
    answer = await bot.ask("mødet i marts 2024")
    assert "Jeg kender intet programledermøde i marts 2024" in answer
    assert "Programledermøde maj 2023" in answer and "[udateret, efter 27.08.2024]" in answer
    assert "Næste programledermøde" not in answer


async def test_the_next_meeting_is_still_the_next_one(bot: BotClient) -> None:
    assert "Næste programledermøde" in await bot.ask("hvornår er næste programledermøde?")
