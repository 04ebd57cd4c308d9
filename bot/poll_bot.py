"""The poll part of the bot edge: poll commands, poll buttons and export files in Teams terms.

:mod:`dialogs.polls.service` decides; this module turns activities into its inputs and its
outcomes into Teams actions — post the new poll card and remember its id, tell the voter, poke
the live card, offer export files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.activities import reference_to_json, reply_activity, tenant_of, voter_of
from bot.live_cards import LiveCards
from bot.poll_files import offer, on_consent
from dialogs.polls.cards import CREATE
from dialogs.polls.commands import parse_poll_command
from dialogs.polls.service import ActionOutcome, OfferFiles, PollDialogs, PostPoll, Where
from dialogs.router import OUTAGE
from store.db import is_database_unavailable

log = logging.getLogger(__name__)


def where_of(activity: Activity, personal: bool, *, with_reference: bool = True) -> Where:
    """Where an activity came from; the conversation reference (costly to serialise) only
    when a poll may be created, since only a poll's card is updated later."""
    conversation = activity.conversation
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    meeting = channel_data.get("meeting")
    meeting_id = meeting.get("id") if isinstance(meeting, dict) else None
    reference = ""
    if with_reference:
        reference = reference_to_json(TurnContext.get_conversation_reference(activity))
    return Where(
        conversation_id=str(conversation.id or "") if conversation else "",
        conversation_type=str(conversation.conversation_type or "") if conversation else "",
        tenant_id=tenant_of(activity),
        teams_meeting_id=str(meeting_id or "")[:512],
        conversation_reference=reference,
        personal=personal,
    )


class PollBot:
    """Built once by the app factory; :class:`bot.teams_bot.KombitBot` hands poll turns to it."""

    def __init__(
        self,
        polls: PollDialogs,
        live: LiveCards,
        *,
        on_created: Callable[[], None] = lambda: None,
        trusted_upload_hosts: frozenset[str] = frozenset(),
    ) -> None:
        self._polls = polls
        self._live = live
        self._on_created = on_created
        self._trusted = trusted_upload_hosts

    async def message(self, turn_context: TurnContext, text: str, personal: bool) -> bool:
        """Handle ``text`` if it is a poll command; False if it is not one."""
        command = parse_poll_command(text, self._polls.now())
        if command is None:
            return False
        activity = turn_context.activity
        try:
            outcome = await self._polls.command(
                command, where_of(activity, personal), voter_of(activity)
            )
            if isinstance(outcome, PostPoll):
                await self._post(turn_context, outcome)
            elif isinstance(outcome, ActionOutcome):
                await turn_context.send_activity(outcome.text)
                if outcome.changed_poll is not None:
                    self._live.poke(outcome.changed_poll)
            elif isinstance(outcome, OfferFiles):
                await turn_context.send_activity(outcome.reply.text)
                await offer(
                    turn_context,
                    outcome.poll,
                    outcome.formats,
                    voter_of(activity),
                    self._polls.export_file,
                )
            else:
                await turn_context.send_activity(reply_activity(outcome))
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            log.warning("database unavailable during a poll command (%s)", type(error).__name__)
            await turn_context.send_activity(OUTAGE["da"])
        return True

    async def _post(self, turn_context: TurnContext, post: PostPoll) -> None:
        """Post the poll's card and remember its id; a poll whose card never arrived is dropped."""
        try:
            response = await turn_context.send_activity(reply_activity(post.reply))
        except Exception:
            await self._polls.discard(post.poll.id)
            raise
        activity_id = getattr(response, "id", None)
        if not activity_id:
            log.warning(
                "Teams returned no id for poll %s; its card cannot be updated", post.poll.id
            )
            return
        await self._polls.posted(post.poll.id, str(activity_id))
        if post.poll.closes_at is not None:
            self._on_created()

    async def card_action(
        self, turn_context: TurnContext, data: dict[str, Any], personal: bool, *, invoke: bool
    ) -> str:
        """A click on a poll card; the text for the clicker (the invoke response's message).

        With ``Action.Submit`` (no invoke response) the clicker is told in personal chat only:
        in a group chat the updated card is the answer, not a message to everyone.
        """
        activity = turn_context.activity
        try:
            where = where_of(activity, personal, with_reference=data.get("kombitbot") == CREATE)
            outcome = await self._polls.card_action(data, where, voter_of(activity))
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            log.warning("database unavailable during a poll click (%s)", type(error).__name__)
            outcome = ActionOutcome(OUTAGE["da"])
        if outcome is None:
            outcome = ActionOutcome("Den handling kender jeg ikke (længere).")
        if outcome.post is not None:
            await self._post(turn_context, outcome.post)
        if outcome.changed_poll is not None:
            self._live.poke(outcome.changed_poll)
        if not invoke and (personal or outcome.changed_poll is None):
            await turn_context.send_activity(outcome.text)
        return outcome.text

    async def file_consent(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        await on_consent(
            turn_context, activity.value, voter_of(activity), self._polls.export_file, self._trusted
        )
