"""The reminder part of the bot edge: where the bot may speak, reminder commands and buttons.

Teams tells the bot where it is installed (``conversationUpdate``, ``installationUpdate``);
this module turns those activities into :class:`store.conversations.ConversationInfo` and
stores them — for a team, every channel of it (Teams' channel list), since a reminder may go to
any of them. Commands and clicks are decided by :mod:`dialogs.reminders.service`.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import logging
import unicodedata
from collections.abc import Callable
from typing import Any, Final

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity

from bot.activities import reply_activity, tenant_of, user_of
from dialogs.reminders.commands import parse_reminder_command
from dialogs.reminders.service import ReminderButtons, ReminderDialogs
from store.conversations import (
    REMOVED,
    UNINSTALLED,
    ConversationInfo,
    ConversationStore,
    base_conversation_id,
)
from store.db import is_database_unavailable

__all__ = ["ReminderBot", "conversation_info"]

log = logging.getLogger(__name__)

CHANNEL_LIST_TIMEOUT: Final = 10.0  # seconds for Teams' channel list at install
GENERAL: Final = "General"  # Teams sends the General channel without a name


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _reference(activity: Activity, conversation_id: str) -> dict[str, Any]:
    """The activity's conversation reference, for a new message in ``conversation_id``."""
    data = TurnContext.get_conversation_reference(activity).serialize()
    data.pop("activityId", None)  # a proactive send starts a new message, not a reply
    conversation = dict(_dict(data.get("conversation")))
    conversation["id"] = conversation_id
    data["conversation"] = conversation
    return dict(data)


def conversation_key(activity: Activity) -> str:
    """The conversation's id as stored (a channel thread's reply id dropped); "" without one."""
    conversation = activity.conversation
    raw_id = _text(conversation.id) if conversation is not None else ""
    return base_conversation_id(raw_id)


def conversation_info(activity: Activity, personal: bool) -> ConversationInfo | None:
    """What an activity says about its conversation; None without a usable conversation id."""
    conversation_id = conversation_key(activity)
    if not conversation_id:
        return None
    conversation = activity.conversation
    channel_data = _dict(activity.channel_data)
    team = _dict(channel_data.get("team"))
    sender = activity.from_property
    kind = "personal" if personal else _text(conversation.conversation_type)
    if not kind:
        kind = "groupChat" if conversation.is_group else ""
    own_name = _text(conversation.name)
    if kind == "personal":
        name = _text(sender.name) if sender is not None else ""
    elif kind == "channel":
        team_name = _text(team.get("name"))
        name = f"{team_name} › {own_name}" if team_name and own_name else own_name
    else:
        name = own_name
    return ConversationInfo(
        conversation_id=conversation_id,
        conversation_type=kind,
        tenant_id=tenant_of(activity),
        team_id=_text(team.get("id")),
        name=name,
        service_url=_text(activity.service_url),
        reference=json.dumps(_reference(activity, conversation_id)),
        user_aad_object_id=_text(sender.aad_object_id) if personal and sender else "",
    )


class ReminderBot:
    """Built once by the app factory; :class:`bot.teams_bot.KombitBot` hands it reminder turns."""

    def __init__(
        self,
        dialogs: ReminderDialogs,
        buttons: ReminderButtons,
        conversations: ConversationStore,
        clock: Callable[[], dt.datetime],
        *,
        channel_list_timeout: float = CHANNEL_LIST_TIMEOUT,
    ) -> None:
        self._dialogs = dialogs
        self._buttons = buttons
        self._conversations = conversations
        self._clock = clock
        self._timeout = channel_list_timeout

    async def installed(self, turn_context: TurnContext, personal: bool) -> None:
        """The bot was added here: remember the conversation, and a team's channels."""
        activity = turn_context.activity
        info = conversation_info(activity, personal)
        if info is None or not info.storable:
            return
        try:
            await self._conversations.remember(info, self._clock())
            if info.team_id:
                team_name = _text(_dict(_dict(activity.channel_data).get("team")).get("name"))
                for channel in await self._team_channels(turn_context, info, team_name):
                    await self._conversations.remember(channel, self._clock())
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            log.warning("database unavailable; the installation was not stored")

    async def removed(
        self, turn_context: TurnContext, personal: bool, *, uninstalled: bool
    ) -> None:
        """The bot was removed (or uninstalled): it may no longer speak there."""
        info = conversation_info(turn_context.activity, personal)
        if info is None:
            return
        reason = UNINSTALLED if uninstalled else REMOVED
        now = self._clock()
        try:
            await self._conversations.deactivate(info.conversation_id, reason, now)
            if info.team_id:
                await self._conversations.deactivate_team(info.team_id, reason, now)
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            log.warning("database unavailable; the removal was not stored")

    async def noticed(self, turn_context: TurnContext, personal: bool) -> None:
        """Any message: remember its conversation if no install event told us about it.

        Never in the way of the answer: a failure here is logged, and the message is answered.
        """
        activity = turn_context.activity
        if self._conversations.known(conversation_key(activity)):
            return  # the usual case: no need to describe the conversation (its reference, JSON)
        info = conversation_info(activity, personal)
        if info is None:
            return
        try:
            if await self._conversations.remember_if_new(info, self._clock()):
                log.info("remembered a %s conversation from a message", info.conversation_type)
        except Exception as error:
            unavailable = is_database_unavailable(error)
            log.warning(
                "could not remember the conversation (%s)",
                type(error).__name__,
                exc_info=not unavailable,
            )

    async def message(self, turn_context: TurnContext, text: str, personal: bool) -> bool:
        """Handle ``text`` if it is a reminder command; False if it is not one."""
        text = unicodedata.normalize("NFC", text)
        command = parse_reminder_command(text)
        if command is None:
            return False
        activity = turn_context.activity
        info = conversation_info(activity, personal)
        if info is None or not info.storable:
            return False
        reply = await self._dialogs.command(command, text, info, user_of(activity))
        await turn_context.send_activity(reply_activity(reply))
        return True

    async def card_action(
        self, turn_context: TurnContext, data: dict[str, Any], personal: bool, *, invoke: bool
    ) -> str:
        """A click on a reminder card; the text for the clicker (the invoke response's message).

        With ``Action.Submit`` the outcome is sent as a new message: the reminder card is shared
        by everybody in the conversation, so it is not replaced by one person's outcome.
        """
        activity = turn_context.activity
        info = conversation_info(activity, personal)
        conversation_id = info.conversation_id if info is not None else ""
        reply = await self._buttons.click(data, conversation_id, user_of(activity))
        if not invoke:
            await turn_context.send_activity(reply_activity(reply))
        return reply.text

    async def _team_channels(
        self, turn_context: TurnContext, team: ConversationInfo, team_name: str
    ) -> list[ConversationInfo]:
        """Every channel of the team, as conversations the bot may post to.

        botbuilder's ``TeamsInfo.get_team_channels`` calls the connector synchronously, which
        would block the event loop for the whole request; the same call runs in a thread here.
        A failure leaves the team with the conversations already stored.
        """
        try:
            client = await TeamsInfo.get_teams_connector_client(turn_context)
            listed = await asyncio.to_thread(
                client.teams.get_teams_channels, team.team_id, timeout=self._timeout
            )
        except Exception as error:
            log.warning("could not list the team's channels (%s)", type(error).__name__)
            return []
        base = json.loads(team.reference)
        channels: list[ConversationInfo] = []
        for channel in getattr(listed, "conversations", None) or []:
            channel_id = _text(getattr(channel, "id", None))
            if not channel_id or len(channel_id) > 512:
                continue
            channel_name = _text(getattr(channel, "name", None)) or GENERAL
            reference = copy.deepcopy(base)
            conversation = _dict(reference.get("conversation"))
            conversation.update(
                {"id": channel_id, "name": channel_name, "conversationType": "channel"}
            )
            reference["conversation"] = conversation
            channels.append(
                ConversationInfo(
                    conversation_id=channel_id,
                    conversation_type="channel",
                    tenant_id=team.tenant_id,
                    team_id=team.team_id,
                    name=f"{team_name} › {channel_name}" if team_name else channel_name,
                    service_url=team.service_url,
                    reference=json.dumps(reference),
                )
            )
        return channels
