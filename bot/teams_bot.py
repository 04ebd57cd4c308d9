"""The Teams activity handler: decides whether a message is for the bot and sends the reply."""

from __future__ import annotations

import logging

from botbuilder.core import (
    ActivityHandler,
    InvokeResponse,
    TurnContext,
)
from botbuilder.schema import Activity, ChannelAccount

from bot.activities import reply_activity, user_of
from bot.file_import import FileImport, shared_files
from bot.mentions import mentions_bot, strip_bot_mention
from bot.poll_bot import PollBot
from bot.reminder_admin import ReminderAdmin
from bot.reminder_bot import ReminderBot
from dialogs.cards import ASK
from dialogs.polls.cards import POLL_ACTIONS
from dialogs.reminders.buttons import REMINDER_ACTIONS
from dialogs.reply import Reply
from dialogs.router import Dialogs
from dialogs.self_report import CANCEL, CONFIRM, UNDO

log = logging.getLogger(__name__)


MAX_ASK_LENGTH = 1000
UNKNOWN_ACTION = "Den handling kender jeg ikke (længere). (I don't know that action.)"
CARD_ACTIONS = (CONFIRM, CANCEL, UNDO)


def asked_from_card(value: object) -> str | None:
    """The question an :func:`~dialogs.cards.ask_action` button sends, if this is one.

    Anything else in ``value`` (other cards, forged data) is not a question: None.
    """
    if not isinstance(value, dict) or value.get("kombitbot") != ASK:
        return None
    text = value.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_ASK_LENGTH:
        return None
    return text


def is_personal(activity: Activity) -> bool:
    conversation = activity.conversation
    if conversation is None:
        return False
    if conversation.conversation_type:
        return bool(conversation.conversation_type == "personal")
    return not conversation.is_group


class KombitBot(ActivityHandler):  # type: ignore[misc]
    """In personal chat every message is for the bot; elsewhere only when @mentioned."""

    def __init__(
        self,
        dialogs: Dialogs,
        file_import: FileImport | None = None,
        *,
        polls: PollBot | None = None,
        reminders: ReminderBot | None = None,
        reminder_admin: ReminderAdmin | None = None,
    ) -> None:
        self._dialogs = dialogs
        self._file_import = file_import
        self._polls = polls
        self._reminders = reminders
        self._reminder_admin = reminder_admin

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if self._reminders is not None:
            # An install event may have been missed: any message shows where the bot is.
            await self._reminders.noticed(turn_context, is_personal(activity))
        # A file attached in personal chat is an admin's data import (bot/file_import.py).
        files = shared_files(activity) if is_personal(activity) else []
        if files and self._file_import is not None:
            reply = await self._file_import.respond(files, user_of(activity))
            await turn_context.send_activity(reply_activity(reply))
            return
        bot_id = activity.recipient.id if activity.recipient else ""
        user = user_of(activity)
        if isinstance(activity.value, dict) and activity.value.get("kombitbot") in CARD_ACTIONS:
            answer = await self._dialogs.card_action(activity.value, user)
            if answer is not None:
                await self._replace_card(turn_context, answer, activity.reply_to_id)
            return
        if (
            self._polls is not None
            and isinstance(activity.value, dict)
            and activity.value.get("kombitbot") in POLL_ACTIONS
        ):
            await self._polls.card_action(
                turn_context, activity.value, is_personal(activity), invoke=False
            )
            return
        if (
            self._reminders is not None
            and isinstance(activity.value, dict)
            and activity.value.get("kombitbot") in REMINDER_ACTIONS
        ):
            await self._reminders.card_action(
                turn_context, activity.value, is_personal(activity), invoke=False
            )
            return
        asked = asked_from_card(activity.value)
        if asked is not None:
            text = asked  # a button on one of our cards; its submit is always for the bot
        elif is_personal(activity) or mentions_bot(activity.entities, bot_id):
            text = strip_bot_mention(activity.text or "", activity.entities, bot_id)
        else:
            return
        if self._polls is not None and await self._polls.message(
            turn_context, text, is_personal(activity)
        ):
            return
        if self._reminder_admin is not None and await self._reminder_admin.message(
            turn_context, text
        ):
            return
        if self._reminders is not None and await self._reminders.message(
            turn_context, text, is_personal(activity)
        ):
            return
        reply = await self._dialogs.respond(text, user)
        await turn_context.send_activity(reply_activity(reply))

    async def _replace_card(
        self, turn_context: TurnContext, reply: Reply, card_id: str | None
    ) -> None:
        """Show the outcome in place of the card that was clicked, so its buttons are gone.

        Teams sends the card's message id as ``replyToId``; without one, or if the update is
        refused, the outcome is sent as a new message instead.
        """
        if card_id:
            update = reply_activity(reply)
            update.id = card_id
            try:
                await turn_context.update_activity(update)
                return
            except Exception:
                log.warning(
                    "could not update card %s; sending the outcome as a new message", card_id
                )
        await turn_context.send_activity(reply_activity(reply))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Universal Actions (``Action.Execute``): the same buttons as ``Action.Submit``.

        Handled here rather than by botbuilder's ``on_adaptive_card_invoke``, whose error
        responses for malformed values cannot be serialised (a 500). Anything that is not one of
        our buttons gets a clear "unknown action" message; other invoke names keep botbuilder's
        behaviour (501 for what the bot does not implement).
        """
        activity = turn_context.activity
        if activity.name == "fileConsent/invoke" and self._polls is not None:
            await self._polls.file_consent(turn_context)
            return InvokeResponse(status=200)
        if activity.name == "signin/tokenExchange":
            # The bot has no single sign-on; botbuilder 4.17 would call a handler it no longer
            # defines (AttributeError). 501, as for every other invoke the bot does not do.
            return InvokeResponse(status=501)
        if activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action") if isinstance(value.get("action"), dict) else {}
        data = action.get("data") if isinstance(action, dict) else None
        user = user_of(activity)
        text = UNKNOWN_ACTION
        if isinstance(data, dict) and data.get("kombitbot") in CARD_ACTIONS:
            outcome = await self._dialogs.card_action(data, user)
            text = outcome.text if outcome is not None else UNKNOWN_ACTION
        elif (
            self._polls is not None
            and isinstance(data, dict)
            and data.get("kombitbot") in POLL_ACTIONS
        ):
            text = await self._polls.card_action(
                turn_context, data, is_personal(activity), invoke=True
            )
        elif (
            self._reminders is not None
            and isinstance(data, dict)
            and data.get("kombitbot") in REMINDER_ACTIONS
        ):
            text = await self._reminders.card_action(
                turn_context, data, is_personal(activity), invoke=True
            )
        elif (asked := asked_from_card(data)) is not None:
            reply = await self._dialogs.respond(asked, user)
            await turn_context.send_activity(reply_activity(reply))
            text = reply.text
        return InvokeResponse(
            status=200,
            body={
                "statusCode": 200,
                "type": "application/vnd.microsoft.activity.message",
                "value": text,
            },
        )

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """Remember where the bot was added; introduce it when that is a personal chat."""
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else ""
        if not _names(members_added, bot_id):
            return
        if self._reminders is not None:
            await self._reminders.installed(turn_context, is_personal(activity))
        if is_personal(activity):
            reply = await self._dialogs.respond("hjælp")
            await turn_context.send_activity(reply_activity(reply))

    async def on_members_removed_activity(
        self, members_removed: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """The bot was removed: it may no longer speak there (nor in a team's channels)."""
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else ""
        if self._reminders is not None and _names(members_removed, bot_id):
            await self._reminders.removed(turn_context, is_personal(activity), uninstalled=False)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """``installationUpdate`` add / add-upgrade: the bot may speak here."""
        if self._reminders is not None:
            await self._reminders.installed(turn_context, is_personal(turn_context.activity))

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """``installationUpdate`` remove / remove-upgrade: the bot may no longer speak here."""
        if self._reminders is not None:
            await self._reminders.removed(
                turn_context, is_personal(turn_context.activity), uninstalled=True
            )


def _names(members: list[ChannelAccount] | None, account_id: str) -> bool:
    """Whether a member list (which a malformed activity may fill with nulls) names the id."""
    return bool(account_id) and any(
        getattr(member, "id", None) == account_id for member in members or []
    )
