"""Subscriptions managed in chat: "abonnér", "abonnér på …", "mine abonnementer", "afmeld …".

Over real HTTP with Microsoft's Teams payloads; what is stored is read back from the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from dialogs.reminders.commands import (
    ListConversations,
    ListSubscriptions,
    Subscribe,
    Unsubscribe,
    parse_reminder_command,
)
from store.conversations import ConversationStore
from store.db import create_engine
from store.repository import Store
from store.subscriptions import SubscriptionStore
from tests.conftest import BotClient, teams_activity
from tests.support.cards import assert_valid_card
from tests.support.connector import ReceivedActivity

GROUP = "group-chat-message-bot-mention"
GROUP_CHAT = "19:groupChatId@thread.v2"
CHANNEL = "channel-message-bot-mention"
CHANNEL_ID = "19:6848757105754c8981c67612732d9aa7@thread.tacv2"
MENTIONS = {GROUP: "<at>Teams Bot</at> ", CHANNEL: "<at>ridotest</at> "}
PERSONAL_CHAT = (
    "a:17I0kl9EkpE1O9PH5TWrzrLNwnWWcfrU7QZjKR0WSfOpzbfcAg2IaydGElSo10tVr4C7Fc6GtieTJX663WuJCc1uA83n4"
    "CSrHSgGBj5XNYLcVlJAs2ZX8DbYBPck201w-"
)


class Subscriptions:
    """What is stored, read as another instance would."""

    def __init__(self, store: Store) -> None:
        self.conversations = ConversationStore(store.sessions)
        self.subscriptions = SubscriptionStore(store.sessions)

    async def of(self, conversation_id: str) -> list[tuple[str, str]]:
        stored = await self.conversations.get(conversation_id)
        if stored is None:
            return []
        return sorted(
            (s.kind, s.value) for s in await self.subscriptions.for_conversation(stored.id)
        )


@pytest.fixture
async def stored(database_url: str) -> AsyncIterator[Subscriptions]:
    store = Store(create_engine(database_url))
    yield Subscriptions(store)
    await store.close()


async def say(
    bot: BotClient, text: str, fixture: str = GROUP, /, **changes: Any
) -> ReceivedActivity:
    """@mention the bot with ``text`` (personal chat: just write it); the bot's reply."""
    before = len(bot.connector.received)
    activity = teams_activity(fixture, bot.connector, text=MENTIONS.get(fixture, "") + text)
    activity.update(changes)
    assert await bot.post(activity) in (200, 201)
    return (await bot.connector.wait_for(before + 1))[before]


async def test_abonner_in_a_group_chat_subscribes_it_to_everything(
    bot: BotClient, stored: Subscriptions
) -> None:
    reply = (await say(bot, "abonnér")).all_text()
    assert reply.startswith("Abonneret: denne chat får nu alle påmindelser – frister")
    assert "»abonnér på Vejle«" in reply, "says how to narrow it"
    assert await stored.of(GROUP_CHAT) == [("all", "")]
    again = (await say(bot, "abonner")).all_text()
    assert "Denne chat abonnerer allerede på alle påmindelser." in again
    assert await stored.of(GROUP_CHAT) == [("all", "")]


@pytest.mark.parametrize(
    ("text", "expected", "said"),
    [
        ("abonnér på Vejle", ("municipality", "Vejle"), "påmindelser om Vejle (kommune)"),
        ("abonnér på vejen", ("municipality", "Vejen"), "påmindelser om Vejen (kommune)"),
        ("Abonnér på SAPA.", ("solution", "sapa"), "påmindelser om SAPA (løsning)"),
        ("abonnér på Region Nordjylland", ("region", "Nordjylland"), "om Region Nordjylland"),
        ("abonner på frozen zones", ("frozen_zones", ""), "påmindelser om frozen zones"),
        ("abonnér kanalen på Høje Taastrup", ("municipality", "Høje-Taastrup"), "Høje-Taastrup"),
    ],
)
async def test_each_subscribe_form_in_a_channel(
    bot: BotClient, stored: Subscriptions, text: str, expected: tuple[str, str], said: str
) -> None:
    reply = (await say(bot, text, CHANNEL)).all_text()
    assert reply.startswith("Abonneret: denne kanal får nu "), reply
    assert said in reply
    assert "Mente du" not in reply
    # stored for the channel itself, not the thread the message was in (";messageid=…")
    assert await stored.of(CHANNEL_ID) == [expected]


async def test_several_topics_at_once_and_in_english(bot: BotClient, stored: Subscriptions) -> None:
    reply = (await say(bot, "abonnér på Vejle og SAPA")).all_text()
    assert "påmindelser om Vejle (kommune) og SAPA (løsning)" in reply
    english = (await say(bot, "subscribe to frozen zones")).all_text()
    assert english.startswith("Subscribed: this chat will now get reminders about frozen zones.")
    assert await stored.of(GROUP_CHAT) == [
        ("frozen_zones", ""),
        ("municipality", "Vejle"),
        ("solution", "sapa"),
    ]


async def test_a_narrow_subscription_replaces_everything_and_back(
    bot: BotClient, stored: Subscriptions
) -> None:
    await say(bot, "abonnér")
    narrowed = (await say(bot, "abonnér på Vejle")).all_text()
    assert "Før fik denne chat alle påmindelser; nu kun dem om Vejle (kommune)." in narrowed
    assert await stored.of(GROUP_CHAT) == [("municipality", "Vejle")]
    widened = (await say(bot, "abonnér på alt")).all_text()
    assert "alle påmindelser" in widened and "(Det erstatter Vejle (kommune).)" in widened
    assert await stored.of(GROUP_CHAT) == [("all", "")]


async def test_a_near_name_is_asked_back_and_the_button_subscribes(
    bot: BotClient, stored: Subscriptions
) -> None:
    asked = await say(bot, "abonnér på Vejlen")
    assert "Mente du Vejen eller Vejle?" in asked.all_text()
    [card] = asked.cards
    assert_valid_card(card)
    assert await stored.of(GROUP_CHAT) == [], "nothing is stored on a guess"
    vejle = next(a["data"] for a in card["actions"] if a["title"] == "Vejle")
    assert vejle == {"kombitbot": "ask", "text": "abonnér på Vejle"}

    # the click comes back as a submit in the same group chat (no @mention needed)
    clicked = await say(bot, "", text=None, value=vejle)
    assert "Abonneret: denne chat får nu påmindelser om Vejle (kommune)." in clicked.all_text()
    assert await stored.of(GROUP_CHAT) == [("municipality", "Vejle")]


async def test_an_unknown_name_is_refused_and_nothing_is_stored(
    bot: BotClient, stored: Subscriptions
) -> None:
    reply = (await say(bot, "abonnér på Xyzzy")).all_text()
    assert reply.startswith("Jeg kender ikke »Xyzzy« som kommune, region eller løsning")
    assert "intet er ændret" in reply
    half = (await say(bot, "abonnér på Vejle og Blåbærby")).all_text()
    assert "Jeg kender ikke »Blåbærby«" in half, "no half-understood subscription"
    assert await stored.of(GROUP_CHAT) == []
    english = (await say(bot, "subscribe to Xyzzy")).all_text()
    assert english.startswith("I don't know »Xyzzy« as a municipality, region or solution")


async def test_without_a_mention_a_group_chat_message_is_not_for_the_bot(
    bot: BotClient, stored: Subscriptions
) -> None:
    activity = teams_activity(GROUP, bot.connector, text="abonnér", entities=[])
    assert await bot.post(activity) in (200, 201)
    assert await stored.of(GROUP_CHAT) == []
    assert not bot.connector.received


async def test_listing_and_unsubscribing(bot: BotClient, stored: Subscriptions) -> None:
    none = (await say(bot, "mine abonnementer")).all_text()
    assert none.startswith("Denne chat abonnerer ikke på påmindelser.")
    await say(bot, "abonnér på Vejle og SAPA")
    listed = (await say(bot, "mine abonnementer")).all_text()
    assert listed.startswith("Denne chat abonnerer på: Vejle (kommune) og SAPA (løsning).")
    assert "my subscriptions" not in listed
    english = (await say(bot, "my subscriptions")).all_text()
    assert english.startswith("This chat subscribes to: Vejle (municipality) and SAPA (solution).")

    removed = (await say(bot, "afmeld Vejle")).all_text()
    assert removed == "Afmeldt: Vejle (kommune). Denne chat abonnerer stadig på SAPA (løsning)."
    assert await stored.of(GROUP_CHAT) == [("solution", "sapa")]
    missing = (await say(bot, "afmeld Region Nordjylland")).all_text()
    assert missing.startswith("Denne chat abonnerer ikke på Region Nordjylland – intet er ændret")
    everything = (await say(bot, "afmeld alt")).all_text()
    assert everything == "Afmeldt: denne chat får ingen påmindelser mere."
    assert await stored.of(GROUP_CHAT) == []
    nothing = (await say(bot, "unsubscribe")).all_text()
    assert nothing == "This chat had no subscriptions – nothing changed."


async def test_one_place_cannot_be_taken_out_of_everything(
    bot: BotClient, stored: Subscriptions
) -> None:
    await say(bot, "abonnér")
    reply = (await say(bot, "afmeld Vejle")).all_text()
    assert reply.startswith("Denne chat får alle påmindelser, så jeg kan ikke trække Vejle")
    assert await stored.of(GROUP_CHAT) == [("all", "")]
    asked = (await say(bot, "afmeld Vejlen")).all_text()
    assert "Mente du Vejen eller Vejle?" in asked


async def test_in_personal_chat_a_programme_leader_gets_their_municipality(
    bot: BotClient, stored: Subscriptions
) -> None:
    await bot.ask("jeg er programleder i Vejle")
    reply = await bot.ask("abonnér")
    assert reply.startswith(
        "Abonneret: du får nu påmindelser om Vejle (kommune), hvor du er programleder."
    )
    assert await stored.of(PERSONAL_CHAT) == [("municipality", "Vejle")]
    listed = await bot.ask("mine abonnementer")
    assert listed.startswith("Du abonnerer på: Vejle (kommune).")


async def test_in_personal_chat_an_unregistered_user_gets_everything_and_how_to_narrow(
    bot: BotClient, stored: Subscriptions
) -> None:
    reply = await bot.ask("abonnér")
    assert reply.startswith("Abonneret: du får nu alle påmindelser")
    assert "skriv »jeg er programleder i Vejle« (med din kommune) og derefter »abonnér«" in reply
    assert await stored.of(PERSONAL_CHAT) == [("all", "")]
    english = await bot.ask("subscribe")
    assert english.startswith("You already subscribe to all reminders.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abonnér", Subscribe("da", (7, 7))),
        ("Abonner på Vejle", Subscribe("da", (11, 16))),
        ("abonnere os på SAPA!", Subscribe("da", (15, 19))),
        ("subscribe to Vejle", Subscribe("en", (13, 18))),
        ("subscribe me", Subscribe("en", (12, 12))),
        ("afmeld alt", Unsubscribe("da", (10, 10))),
        ("afmeld", Unsubscribe("da", (6, 6))),
        ("afmeld Vejle", Unsubscribe("da", (7, 12))),
        ("unsubscribe from everything", Unsubscribe("en", (27, 27))),
        ("Mine abonnementer?", ListSubscriptions("da")),
        ("abonnementer", ListSubscriptions("da")),
        ("my subscriptions", ListSubscriptions("en")),
        ("kanaler", ListConversations("da")),
        ("channels", ListConversations("en")),
        ("hvad koster abonnementet på Aula?", None),
        ("abonnementer på Aula er dyre", None),
        ("Hvilke aftaler mangler Vejle at underskrive?", None),
        ("subscribed", None),
    ],
)
def test_parsing_reminder_commands(text: str, expected: object) -> None:
    assert parse_reminder_command(text) == expected
