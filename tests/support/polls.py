"""Poll helpers for tests that talk to the bot: start a poll in the group chat, click its
buttons as someone, read the card Teams now shows."""

from __future__ import annotations

from typing import Any

from app import POLLS_KEY
from tests.conftest import BotClient, teams_activity
from tests.support.cards import assert_valid_teams_card
from tests.support.clicks import execute_invoke
from tests.support.connector import MockConnector, ReceivedActivity

GROUP = "group-chat-message-bot-mention"
MENTION = "<at>Teams Bot</at> "
ROLLEGALLERI = (
    "afstemning: Er du enig i, at integrationen af rollegalleriet i KLIK vil skabe værdi for "
    "kommunen? Ja; Nej; Måske"
)


async def say_in_group(bot: BotClient, text: str, **changes: Any) -> ReceivedActivity:
    """@mention the bot in the group chat; the bot's reply (card updates do not count)."""
    await settle(bot)
    before = len(bot.connector.received)
    activity = teams_activity(GROUP, bot.connector, text=MENTION + text, **changes)
    assert await bot.post(activity) in (200, 201)
    for _ in range(100):
        replies = [r for r in bot.connector.received[before:] if r.method != "update"]
        if replies:
            return replies[0]
        await bot.connector.wait_for(len(bot.connector.received) + 1)
    raise AssertionError("no reply")


async def start_poll(bot: BotClient, text: str = ROLLEGALLERI) -> tuple[str, dict[str, Any]]:
    """Start a poll in the group chat; the poll id and its posted card."""
    posted = await say_in_group(bot, text)
    [card] = posted.cards
    assert_valid_teams_card(card)
    vote = next(a for a in card["actions"] if a["data"]["kombitbot"] == "poll_vote")
    return str(vote["data"]["poll"]), card


async def vote(bot: BotClient, data: dict[str, Any], voter: dict[str, Any], **changes: Any) -> str:
    """Click a button as ``voter``; what Teams shows the voter (the invoke response)."""
    response = await bot.http.post(
        "/api/messages", json=execute_invoke(bot.connector, data, GROUP, voter, **changes)
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    return str(body["value"])


def button(card: dict[str, Any], title: str) -> dict[str, Any]:
    return next(a["data"] for a in card["actions"] if a["title"] == title)


async def settle(bot: BotClient) -> None:
    """Wait until every live card update has been sent."""
    await bot.http.app[POLLS_KEY].live.idle()


def updates(connector: MockConnector) -> list[ReceivedActivity]:
    return [r for r in connector.received if r.method == "update"]


def latest_card(connector: MockConnector) -> dict[str, Any]:
    [card] = updates(connector)[-1].cards
    assert_valid_teams_card(card)
    return card
