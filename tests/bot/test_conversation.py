"""A Teams user talks to the bot: real payloads in at /api/messages, replies at the connector."""

from __future__ import annotations

import datetime as dt

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from dialogs.help import COMMANDS as HELP_EXAMPLES
from tests.conftest import COPENHAGEN, BotClient, settings_for, teams_activity, wait_ready
from tests.support.cards import assert_valid_card
from tests.support.connector import MockConnector


async def test_help_in_personal_chat_answers_with_a_help_card(bot: BotClient) -> None:
    activity = teams_activity("personal-message", bot.connector, text="hjælp")
    assert await bot.post(activity) in (200, 201)

    [reply] = await bot.connector.wait_for(1)
    assert reply.conversation_id == activity["conversation"]["id"]
    assert reply.reply_to_id == activity["id"]
    [card] = reply.cards
    assert_valid_card(card)
    text = reply.all_text()
    assert "kombitbot – hjælp" in text
    assert "datastatus" in text
    assert "98" in text  # municipalities known
    assert "Nyeste status opgjort 20.11.25" in text


async def test_help_in_english(bot: BotClient) -> None:
    text = await bot.ask("Help?")
    assert "kombitbot – help" in text
    assert "data status" in text
    assert "Newest status as of 20.11.25" in text


async def test_data_status_says_how_old_the_data_is_and_where_it_comes_from(bot: BotClient) -> None:
    text = await bot.ask("datastatus")
    assert "Datastatus" in text
    assert "Aftaler: 38" in text or "38" in text
    assert "Nyeste status opgjort 20.11.25 (20. november 2025, 5 dage siden)" in text
    # the source slide is cited by its meeting and heading, not by the deck's file name
    assert "slide »Danmarkskort – TILSLUTNING TRE DATASTANDARDER" in text
    assert "Programledermøde [udateret, efter 21.11.2025]" in text
    assert "002_5a815396f7d95d86.txt" not in text
    assert "det indbyggede datasæt" in text


async def test_a_button_on_the_help_card_asks_its_question(bot: BotClient) -> None:
    await bot.ask("hjælp")
    [help_card] = bot.connector.received[0].cards
    button = help_card["actions"][-1]  # datastatus
    submit = teams_activity("personal-message", bot.connector, text=None, value=button["data"])
    assert await bot.post(submit) in (200, 201)
    received = await bot.connector.wait_for(2)
    assert "Datastatus" in received[1].all_text()


async def test_a_forged_card_submit_is_not_taken_as_a_question(bot: BotClient) -> None:
    for value in ({"kombitbot": "ask", "text": 42}, {"kombitbot": "delete", "text": "x"}, ["ask"]):
        forged = teams_activity("personal-message", bot.connector, text=None, value=value)
        assert await bot.post(forged) in (200, 201)
    received = await bot.connector.wait_for(3)
    assert all("Datastatus" not in r.all_text() for r in received)


async def test_a_question_it_cannot_answer_gets_suggestions_with_buttons(bot: BotClient) -> None:
    await bot.ask("hvad bliver vejret i morgen?")
    [reply] = bot.connector.received
    [card] = reply.cards
    assert_valid_card(card)
    # the weather is not in the data: said so, with questions that can be answered
    assert "Det kan jeg ikke svare på" in reply.all_text()
    assert card["actions"], "the suggestions are buttons that ask the question"
    assert all(a["data"]["kombitbot"] == "ask" for a in card["actions"])


async def test_answers_are_valid_cards_with_a_text_fallback(bot: BotClient) -> None:
    for question in (
        "Hvilke aftaler mangler Vejle at underskrive?",
        "hvem mangler at underskrive tilslutningsaftalen om datastandarder?",
        "status på ADG_0",
        "hvad har deadline i december 2025?",
        "hvad kan vi ikke i frozen zone?",
        "hvilke aftaler mangler Vejel at underskrive?",
    ):
        await bot.ask(question)
    for received in bot.connector.received:
        [card] = received.cards
        assert_valid_card(card)
        assert received.summary == card["fallbackText"]


async def test_in_a_channel_the_bot_answers_only_when_mentioned_and_reads_past_the_mention(
    bot: BotClient,
) -> None:
    unmentioned = teams_activity(
        "channel-message-bot-mention", bot.connector, text="hjælp", entities=[]
    )
    assert await bot.post(unmentioned) in (200, 201)
    mentioned = teams_activity(
        "channel-message-bot-mention", bot.connector, text="<at>ridotest</at> hjælp"
    )
    assert await bot.post(mentioned) in (200, 201)

    received = await bot.connector.wait_for(1)
    assert len(received) == 1, "the unmentioned message got no reply"
    assert received[0].conversation_id == mentioned["conversation"]["id"]
    assert "kombitbot – hjælp" in received[0].all_text()


async def test_in_a_group_chat_the_mention_is_stripped(bot: BotClient) -> None:
    activity = teams_activity("group-chat-message-bot-mention", bot.connector)
    activity["text"] = "<at>Teams Bot</at> help"
    assert await bot.post(activity) in (200, 201)
    [reply] = await bot.connector.wait_for(1)
    assert "kombitbot – help" in reply.all_text()


async def test_adding_the_bot_to_a_personal_chat_introduces_it(bot: BotClient) -> None:
    activity = teams_activity("conversation-update-bot-added-personal", bot.connector)
    # The documented payload uses two different placeholders for the bot's id; in Teams the
    # recipient is the bot that was added.
    activity["recipient"]["id"] = activity["membersAdded"][0]["id"]
    assert await bot.post(activity) in (200, 201)
    [welcome] = await bot.connector.wait_for(1)
    assert "kombitbot – hjælp" in welcome.all_text()


async def test_activities_the_bot_does_not_handle_yet_are_accepted_silently(bot: BotClient) -> None:
    for name in (
        "installation-update-add",
        "event-meeting-start",
        "conversation-update-bot-added-to-team",
    ):
        assert await bot.post(teams_activity(name, bot.connector)) in (200, 201), name
    help_reply = await bot.ask("hjælp")
    assert "hjælp" in help_reply
    assert len(bot.connector.received) == 1, "only the help question was answered"


async def test_a_year_later_every_answer_says_the_data_is_old(
    database_url: str, connector: MockConnector
) -> None:
    today = dt.datetime(2026, 11, 23, 9, 0, tzinfo=COPENHAGEN)
    app = create_app(settings_for(database_url), clock=lambda: today)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        bot = BotClient(client, connector)
        frozen = await bot.ask("hvornår er næste frozen zone?")
        agreements = await bot.ask("Hvilke aftaler mangler Vejle at underskrive?")
    assert "mine nyeste data er fra 20.11.2025 (12 måneder gamle)" in frozen
    assert "Status opgjort 20.11.25 – 368 dage gammel" in agreements
    assert "frist var 15. december 2025 (overskredet)" in agreements


@pytest.mark.parametrize("lang", ["da", "en"])
async def test_every_example_in_the_help_card_really_works(bot: BotClient, lang: str) -> None:
    for example, _what in HELP_EXAMPLES[lang]:  # type: ignore[index]
        reply = await bot.ask(example)
        assert "Mente du" not in reply and "Did you mean" not in reply, example
        assert "Hvem er »vi«" not in reply and "Who is »we«" not in reply, example


async def test_an_action_execute_invoke_is_answered(bot: BotClient) -> None:
    """Universal Actions: the real invoke payload, with our data or with foreign data."""
    invoke = teams_activity("invoke-adaptive-card-action-execute", bot.connector)
    response = await bot.http.post("/api/messages", json=invoke)
    assert response.status == 200
    assert "kender jeg ikke" in (await response.json())["value"]
    invoke["value"]["action"]["data"] = {"kombitbot": "ask", "text": "datastatus"}
    response = await bot.http.post("/api/messages", json=invoke)
    assert response.status == 200
    [reply] = await bot.connector.wait_for(1)
    assert "Datastatus" in reply.all_text()
