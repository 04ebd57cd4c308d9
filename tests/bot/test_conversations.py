"""Where the bot may speak: installs, team channels, removals and "kanaler", over real HTTP.

Every activity is one of Microsoft's real Teams payloads (tests/fixtures); the channel list
of a team comes from the mock Bot Connector's ``GET /v3/teams/{id}/conversations``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from dialogs.reminders.commands import ListConversations
from dialogs.router import User
from store.conversations import Conversation, ConversationStore
from store.db import create_engine
from store.repository import Store
from tests.conftest import FIXED_NOW, BotClient, teams_activity
from tests.support.connector import MockConnector
from tests.support.reminders import chat, reminder_parts

TEAM_ID = "19:zFLSDFWsesfzcmKArqKJ-65aOXJz@sgf462H2wz41@thread.tacv2"
INSTALLED_CHANNEL = "19:0b7f32667e064dd9b25d7969801541f4@thread.tacv2"
PROGRAMLEDERE = "19:programledere0000000000000000000@thread.tacv2"
GROUP_CHAT = "19:groupChatId@thread.v2"


@pytest.fixture
async def conversations(database_url: str) -> AsyncIterator[ConversationStore]:
    """A second view of the bot's database, as another instance (or a test) sees it."""
    store = Store(create_engine(database_url))
    yield ConversationStore(store.sessions)
    await store.close()


def personal_added(connector: MockConnector) -> dict[str, Any]:
    activity = teams_activity("conversation-update-bot-added-personal", connector)
    # The documented payload uses two placeholders for the bot's id; in Teams the recipient is
    # the bot that was added.
    activity["recipient"]["id"] = activity["membersAdded"][0]["id"]
    return activity


def with_team_channels(connector: MockConnector) -> None:
    """The team has its General channel (no name, the team's id), the channel the bot was
    installed from, and one more."""
    connector.team_channels[TEAM_ID] = [
        {"id": TEAM_ID},
        {"id": INSTALLED_CHANNEL, "name": "2021 Test Channel"},
        {"id": PROGRAMLEDERE, "name": "Programledere"},
    ]


def group_install(connector: MockConnector, action: str = "add") -> dict[str, Any]:
    """``installationUpdate`` in a group chat: the install payload with the group's fields."""
    activity = teams_activity("installation-update-add", connector, action=action)
    group = teams_activity("group-chat-message-bot-mention", connector)
    activity["conversation"] = copy.deepcopy(group["conversation"])
    activity["channelData"] = copy.deepcopy(group["channelData"])
    activity["recipient"] = copy.deepcopy(group["recipient"])
    return activity


async def stored(conversations: ConversationStore, conversation_id: str) -> Conversation:
    found = await conversations.get(conversation_id)
    assert found is not None, conversation_id
    return found


async def test_adding_the_bot_to_a_personal_chat_remembers_it_and_still_introduces_it(
    bot: BotClient, conversations: ConversationStore
) -> None:
    activity = personal_added(bot.connector)
    assert await bot.post(activity) in (200, 201)
    [welcome] = await bot.connector.wait_for(1)
    assert "kombitbot – hjælp" in welcome.all_text()

    chat_ = await stored(conversations, "***")
    assert (chat_.conversation_type, chat_.active, chat_.tenant_id) == (
        "personal",
        True,
        "<TENANT ID>",
    )
    assert chat_.user_aad_object_id == "***"  # whose personal chat it is
    assert chat_.service_url == bot.connector.service_url
    reference = json.loads(chat_.reference)
    assert reference["conversation"]["id"] == "***"
    assert reference["serviceUrl"] == bot.connector.service_url
    assert reference["bot"]["id"] == activity["recipient"]["id"]
    assert "activityId" not in reference, "a reminder is a new message, not a reply"
    assert bot.connector.channel_lists == [], "a personal chat has no channels to list"


@pytest.mark.parametrize(
    ("fixture", "action"),
    [
        ("conversation-update-bot-added-to-team", None),
        ("installation-update-add", "add"),
        ("installation-update-add", "add-upgrade"),
    ],
)
async def test_installing_in_a_team_stores_every_channel_of_the_team(
    bot: BotClient, conversations: ConversationStore, fixture: str, action: str | None
) -> None:
    with_team_channels(bot.connector)
    changes = {"action": action} if action else {}
    assert await bot.post(teams_activity(fixture, bot.connector, **changes)) in (200, 201)

    assert bot.connector.channel_lists == [TEAM_ID]
    channels = {c.conversation_id: c for c in await conversations.active(["channel"])}
    assert set(channels) == {TEAM_ID, INSTALLED_CHANNEL, PROGRAMLEDERE}
    assert channels[TEAM_ID].name == "TestTeam2022 › General"
    assert channels[INSTALLED_CHANNEL].name == "TestTeam2022 › 2021 Test Channel"
    assert channels[PROGRAMLEDERE].name == "TestTeam2022 › Programledere"
    for conversation_id, channel in channels.items():
        assert channel.team_id == TEAM_ID
        assert channel.tenant_id == "b28fdbfd-2b78-4f93-b0f8-8881793f0f8f"
        reference = json.loads(channel.reference)
        # the team conversation's reference, pointed at this channel
        assert reference["conversation"]["id"] == conversation_id
        assert reference["conversation"]["conversationType"] == "channel"
        assert reference["bot"]["id"] == "28:608cacfd-1cea-40c9-b678-4b93e69bb72b"
        assert reference["serviceUrl"] == bot.connector.service_url
        assert "activityId" not in reference
    assert not bot.connector.received, "installing in a team posts nothing"


async def test_installing_in_a_group_chat_stores_it_without_asking_for_channels(
    bot: BotClient, conversations: ConversationStore
) -> None:
    assert await bot.post(group_install(bot.connector)) in (200, 201)
    group = await stored(conversations, GROUP_CHAT)
    assert (group.conversation_type, group.team_id, group.active) == ("groupChat", "", True)
    assert group.user_aad_object_id == "", "a group chat is nobody's personal chat"
    assert bot.connector.channel_lists == []


async def test_uninstalling_makes_the_conversation_inactive_and_reinstalling_revives_it(
    bot: BotClient, conversations: ConversationStore
) -> None:
    assert await bot.post(group_install(bot.connector)) in (200, 201)
    assert await bot.post(group_install(bot.connector, "remove")) in (200, 201)
    group = await stored(conversations, GROUP_CHAT)
    assert (group.active, group.inactive_reason) == (False, "uninstalled")
    assert GROUP_CHAT not in {c.conversation_id for c in await conversations.active()}

    assert await bot.post(group_install(bot.connector)) in (200, 201)
    group = await stored(conversations, GROUP_CHAT)
    assert (group.active, group.inactive_reason) == (True, "")


async def test_removing_the_bot_from_a_team_silences_all_its_channels(
    bot: BotClient, conversations: ConversationStore
) -> None:
    with_team_channels(bot.connector)
    added = teams_activity("conversation-update-bot-added-to-team", bot.connector)
    assert await bot.post(added) in (200, 201)
    removed = copy.deepcopy(added)
    removed["membersRemoved"] = removed.pop("membersAdded")
    removed["channelData"]["eventType"] = "teamMemberRemoved"
    assert await bot.post(removed) in (200, 201)

    assert await conversations.active() == []
    for conversation_id in (TEAM_ID, INSTALLED_CHANNEL, PROGRAMLEDERE):
        channel = await stored(conversations, conversation_id)
        assert (channel.active, channel.inactive_reason) == (False, "removed")


async def test_uninstalling_from_a_team_by_installation_update(
    bot: BotClient, conversations: ConversationStore
) -> None:
    with_team_channels(bot.connector)
    assert await bot.post(teams_activity("installation-update-add", bot.connector)) in (200, 201)
    remove = teams_activity("installation-update-add", bot.connector, action="remove")
    assert await bot.post(remove) in (200, 201)
    assert await conversations.active() == []
    assert (await stored(conversations, PROGRAMLEDERE)).inactive_reason == "uninstalled"


async def test_someone_else_leaving_changes_nothing(
    bot: BotClient, conversations: ConversationStore
) -> None:
    assert await bot.post(group_install(bot.connector)) in (200, 201)
    left = teams_activity("conversation-update-bot-added-to-team", bot.connector)
    left["conversation"] = teams_activity("group-chat-message-bot-mention", bot.connector)[
        "conversation"
    ]
    left["membersRemoved"] = [{"id": "29:someone-else"}]
    del left["membersAdded"]
    assert await bot.post(left) in (200, 201)
    assert (await stored(conversations, GROUP_CHAT)).active


async def test_a_team_whose_channels_cannot_be_listed_keeps_the_installed_channel(
    bot: BotClient, conversations: ConversationStore
) -> None:
    activity = teams_activity("installation-update-add", bot.connector)
    activity["channelData"]["team"]["id"] = "19:no-such-team"
    bot.connector.team_channels["19:no-such-team"] = [{"name": "a channel without an id"}]
    assert await bot.post(activity) in (200, 201)
    assert [c.conversation_id for c in await conversations.active()] == [INSTALLED_CHANNEL]


async def test_a_message_from_an_unknown_conversation_is_remembered(
    bot: BotClient, conversations: ConversationStore
) -> None:
    """An install event may have been missed: the first message shows where the bot is."""
    message = teams_activity("channel-message-bot-mention", bot.connector)
    assert await bot.post(message) in (200, 201)
    await bot.connector.wait_for(1)  # answered as usual
    channel_id = "19:6848757105754c8981c67612732d9aa7@thread.tacv2"  # without ;messageid=…
    channel = await stored(conversations, channel_id)
    assert channel.conversation_type == "channel"
    assert channel.team_id == "19:66P469zibfbsGI-_a0aN_toLTZpyzS6u7CT3TsXdgPw1@thread.tacv2"
    assert json.loads(channel.reference)["conversation"]["id"] == channel_id

    await bot.ask("hjælp")
    personal = await stored(
        conversations, teams_activity("personal-message", bot.connector)["conversation"]["id"]
    )
    assert personal.conversation_type == "personal"
    assert personal.user_aad_object_id == "7faf8ab2-3d56-4244-b585-20c8a42ed2b8"
    assert personal.name == "Megan Bowen"


async def test_a_message_does_not_revive_a_removed_conversation_or_rename_it(
    bot: BotClient, conversations: ConversationStore
) -> None:
    assert await bot.post(group_install(bot.connector)) in (200, 201)
    assert await bot.post(group_install(bot.connector, "remove")) in (200, 201)
    message = teams_activity("group-chat-message-bot-mention", bot.connector)
    assert await bot.post(message) in (200, 201)
    await bot.connector.wait_for(1)
    assert not (await stored(conversations, GROUP_CHAT)).active


async def test_kanaler_lists_where_the_bot_speaks_with_subscriptions(bot: BotClient) -> None:
    """With authentication off everybody is an admin (see the non-admin case below)."""
    with_team_channels(bot.connector)
    assert await bot.post(teams_activity("installation-update-add", bot.connector)) in (200, 201)
    assert await bot.post(group_install(bot.connector)) in (200, 201)
    mention = "<at>Teams Bot</at> "
    subscribe = teams_activity(
        "group-chat-message-bot-mention", bot.connector, text=mention + "abonnér på SAPA"
    )
    assert await bot.post(subscribe) in (200, 201)
    await bot.connector.wait_for(1)

    text = await bot.ask("kanaler")
    assert "Her kan jeg sende påmindelser" in text
    assert "Kanaler (3)" in text
    assert "TestTeam2022 › Programledere (kanal) – ingen abonnementer" in text
    assert "TestTeam2022 › General (kanal)" in text
    assert "Gruppechats (1)" in text
    assert "(uden navn) (gruppechat) – SAPA (løsning)" in text
    assert "Megan Bowen (personlig chat) – ingen abonnementer" in text  # the chat asking

    english = await bot.ask("channels")
    assert "Where I can send reminders" in english and "Channels (3)" in english

    in_group = teams_activity(
        "group-chat-message-bot-mention", bot.connector, text=mention + "kanaler"
    )
    before = len(bot.connector.received)
    assert await bot.post(in_group) in (200, 201)
    refused = (await bot.connector.wait_for(before + 1))[before].all_text()
    assert refused == "Skriv »kanaler« til mig i en personlig chat – listen nævner personer."


async def test_kanaler_is_for_kombit_admins_only(database_url: str) -> None:
    async with reminder_parts(database_url, lambda aad: aad == "aad-admin") as parts:
        await parts.conversations.remember(
            chat("19:x@thread.v2", "groupChat", "Styregruppe"), FIXED_NOW
        )
        where = chat("a:personal", "personal")
        refused = await parts.dialogs.command(
            ListConversations("da"), "kanaler", where, User("aad-mette", name="Mette")
        )
        assert refused.text == (
            "Listen over, hvor jeg sender påmindelser, kan kun ses af KOMBIT-administratorer."
        )
        assert "Styregruppe" not in refused.text
        allowed = await parts.dialogs.command(
            ListConversations("da"), "kanaler", where, User("aad-admin", name="Karin")
        )
        assert "Styregruppe (gruppechat) – ingen abonnementer" in allowed.text
