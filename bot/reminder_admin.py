"""Reminder admin commands in Teams terms (see :mod:`dialogs.reminder_admin` for the words).

Only KOMBIT admins may preview, send, pause or resume; anyone else is told so and nothing
happens. "send påmindelser nu" answers at once and runs the fan-out in the background —
Teams gives a turn about 15 seconds, a fan-out within the rate limits may take longer — and
posts the outcome to the same conversation when it is done. Pause, resume and send are in the
audit log.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from botbuilder.core import BotAdapter, MessageFactory, TurnContext
from botbuilder.schema import ConversationReference

from dialogs.reminder_admin import (
    AdminCommand,
    not_admin_text,
    parse_admin_command,
    preview_text,
    sending_text,
    summary_text,
    toggled_text,
)
from dialogs.reply import Language
from dialogs.router import OUTAGE
from notifications.fanout import FanOutSummary, ReminderFanOut
from store.db import is_database_unavailable
from store.reminder_control import ReminderControlStore

__all__ = ["ReminderAdmin"]

log = logging.getLogger(__name__)


class ReminderAdmin:
    """Built once by the app factory; :class:`bot.teams_bot.KombitBot` offers it each message."""

    def __init__(
        self,
        fanout: ReminderFanOut,
        control: ReminderControlStore,
        is_admin: Callable[[str], bool],
        adapter: BotAdapter,
        app_id: str,
    ) -> None:
        self._fanout = fanout
        self._control = control
        self._is_admin = is_admin
        self._adapter = adapter
        self._app_id = app_id
        self._running: set[asyncio.Task[None]] = set()

    async def message(self, turn_context: TurnContext, text: str) -> bool:
        """Handle ``text`` if it is a reminder admin command; False if it is not one."""
        command = parse_admin_command(text, self._fanout.today())
        if command is None:
            return False
        sender = turn_context.activity.from_property
        aad = str(getattr(sender, "aad_object_id", "") or "")
        name = str(getattr(sender, "name", "") or "")
        if not self._is_admin(aad):
            await turn_context.send_activity(MessageFactory.text(not_admin_text(command.lang)))
            return True
        try:
            await self._run(turn_context, command, aad, name)
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            log.warning("database unavailable during a reminder command (%s)", type(error).__name__)
            await turn_context.send_activity(MessageFactory.text(OUTAGE[command.lang]))
        return True

    async def _run(
        self, turn_context: TurnContext, command: AdminCommand, aad: str, name: str
    ) -> None:
        lang = command.lang
        if command.action == "preview":
            assert command.day is not None
            preview = await self._fanout.preview(command.day)
            await turn_context.send_activity(MessageFactory.text(preview_text(preview, lang)))
            return
        if command.action in ("pause", "resume"):
            changed = await self._control.set_paused(
                command.action == "pause", actor_aad=aad, actor_name=name, now=self._now()
            )
            await turn_context.send_activity(
                MessageFactory.text(toggled_text(command.action, changed, lang))
            )
            return
        if await self._control.paused():
            await turn_context.send_activity(
                MessageFactory.text(
                    summary_text(FanOutSummary(self._fanout.today(), paused=True), lang)
                )
            )
            return
        reference = TurnContext.get_conversation_reference(turn_context.activity)
        await turn_context.send_activity(MessageFactory.text(sending_text(lang)))
        task = asyncio.create_task(self._send_now(reference, lang, aad, name))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _send_now(
        self, reference: ConversationReference, lang: Language, aad: str, name: str
    ) -> None:
        day = self._fanout.today()
        try:
            summary = await self._fanout.run(day)
            await self._control.audit_send(
                actor_aad=aad, actor_name=name, day=day, outcome=summary.as_dict(), now=self._now()
            )
            text = summary_text(summary, lang)
        except Exception:
            log.exception("sending reminders on an admin's request failed")
            text = OUTAGE[lang]

        async def tell(turn_context: TurnContext) -> None:
            await turn_context.send_activity(MessageFactory.text(text))

        try:
            await self._adapter.continue_conversation(reference, tell, self._app_id)
        except Exception:
            log.warning("could not report the reminder run to the admin", exc_info=True)

    def _now(self) -> dt.datetime:
        return self._fanout.now()

    async def idle(self) -> None:
        """Wait for background sends (tests, shutdown)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._running):
            task.cancel()
        await asyncio.gather(*list(self._running), return_exceptions=True)
