"""Reminder commands and reminder-card clicks: decide, store, answer.

:class:`ReminderDialogs` manages subscriptions in chat and lists where the bot speaks;
:class:`ReminderButtons` handles the reminder card's buttons. Both get everything through
their constructors (built by the app factory) and know nothing of Bot Framework: the bot edge
(:mod:`bot.reminder_bot`) turns activities into their inputs.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from babel.dates import format_date

from dialogs.answers.common import Context, agreement_name, task_name
from dialogs.questions.asking import ask_back
from dialogs.reminders.buttons import DoneClick, Forged, SeenClick, SnoozeClick, read_click
from dialogs.reminders.commands import (
    ListConversations,
    ListSubscriptions,
    ReminderCommand,
    Subscribe,
    Unsubscribe,
)
from dialogs.reminders.replies import (
    conversations_reply,
    not_admin,
    only_in_personal_chat,
    subscribed_reply,
    subscriptions_reply,
    unknown_topic,
    unsubscribed_reply,
)
from dialogs.reminders.topics import (
    KINDS,
    Ambiguous,
    Topics,
    Unknown,
    everything,
    read_topics,
    searchable,
)
from dialogs.reply import Language, Reply
from dialogs.router import NO_IDENTITY, OUTAGE, Dialogs, User
from dialogs.self_report import REFUSED, describe_change, saved_reply
from store.conversations import ConversationInfo, ConversationStore
from store.db import is_database_unavailable
from store.profiles import Profiles
from store.reminder_clicks import ReminderClicks
from store.repository import Store
from store.snapshot import DataSnapshot
from store.subscriptions import ALL, SubscriptionStore, Topic, UnsubscribeResult
from store.updates import Actor, StatusChange, StatusUpdates, UpdateRefused

__all__ = ["ReminderButtons", "ReminderDialogs", "StatusChanged", "no_status_change"]

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
StatusChanged = Callable[[str, str], Awaitable[object]]
"""``(item_kind, item_key)``: a status changed through a reminder card (to update old cards);
whatever it returns is ignored."""


async def no_status_change(item_kind: str, item_key: str) -> None:
    """The default :data:`StatusChanged`: nobody else needs to know."""


class ReminderDialogs:
    """ "abonnér …", "mine abonnementer", "afmeld …", "kanaler"."""

    def __init__(
        self,
        dialogs: Dialogs,
        store: Store,
        conversations: ConversationStore,
        subscriptions: SubscriptionStore,
        profiles: Profiles,
        clock: Clock,
        is_admin: Callable[[str], bool],
    ) -> None:
        self._dialogs = dialogs
        self._store = store
        self._conversations = conversations
        self._subscriptions = subscriptions
        self._profiles = profiles
        self._clock = clock
        self._is_admin = is_admin

    async def command(
        self, command: ReminderCommand, text: str, chat: ConversationInfo, user: User
    ) -> Reply:
        """The reply to a parsed command; ``text`` is the message it was parsed from (NFC)."""
        try:
            return await self._command(command, unicodedata.normalize("NFC", text), chat, user)
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            log.warning("database unavailable during a reminder command (%s)", type(error).__name__)
            return Reply(text=OUTAGE[command.lang])

    async def _command(
        self, command: ReminderCommand, text: str, chat: ConversationInfo, user: User
    ) -> Reply:
        snapshot = await self._store.snapshot()
        if isinstance(command, ListConversations):
            if chat.conversation_type != "personal":
                return only_in_personal_chat(command.lang)
            return await self._list_conversations(command.lang, snapshot, user)
        if isinstance(command, ListSubscriptions):
            stored = await self._conversations.get(chat.conversation_id)
            current = await self._subscriptions.for_conversation(stored.id) if stored else []
            return subscriptions_reply(current, snapshot, command.lang, chat.conversation_type)
        if isinstance(command, Subscribe):
            return await self._subscribe(command, text, chat, user, snapshot)
        return await self._unsubscribe(command, text, chat, snapshot)

    async def _topics(self, text: str, span: tuple[int, int]) -> Topics | Ambiguous | Unknown:
        if everything(text[span[0] : span[1]]):
            return Topics((ALL,))
        blanked, frozen = searchable(text, span)
        mentions = await self._dialogs.resolve(blanked, KINDS) if blanked.strip() else []
        return read_topics(blanked, mentions, frozen=frozen)

    async def _subscribe(
        self,
        command: Subscribe,
        text: str,
        chat: ConversationInfo,
        user: User,
        snapshot: DataSnapshot,
    ) -> Reply:
        lang = command.lang
        own = unregistered = False
        if command.has_topic:
            found = await self._topics(text, command.span)
            if isinstance(found, Ambiguous):
                return ask_back(text, found.mention, lang)
            if isinstance(found, Unknown):
                return unknown_topic(found.words, lang)
            topics: tuple[Topic, ...] = found.topics
        elif chat.conversation_type == "personal":
            # A programme leader wants their own municipality; anyone else gets everything.
            profile = await self._profiles.get(user.aad_object_id)
            if profile is not None:
                topics, own = (Topic("municipality", profile.municipality),), True
            else:
                topics, unregistered = (ALL,), True
        else:
            topics = (ALL,)
        now = self._clock()
        stored = await self._conversations.remember(chat, now)
        result = await self._subscriptions.subscribe(
            stored.id, topics, by_aad=user.aad_object_id, now=now
        )
        return subscribed_reply(
            result,
            snapshot,
            lang,
            chat.conversation_type,
            own_municipality=own,
            unregistered=unregistered,
        )

    async def _unsubscribe(
        self, command: Unsubscribe, text: str, chat: ConversationInfo, snapshot: DataSnapshot
    ) -> Reply:
        lang = command.lang
        asked: tuple[Topic, ...] | None = None
        if command.has_topic:
            found = await self._topics(text, command.span)
            if isinstance(found, Ambiguous):
                return ask_back(text, found.mention, lang)
            if isinstance(found, Unknown):
                return unknown_topic(found.words, lang, unsubscribe=True)
            asked = None if ALL in found.topics else found.topics
        stored = await self._conversations.get(chat.conversation_id)
        result = (
            await self._subscriptions.unsubscribe(stored.id, asked)
            if stored is not None
            else UnsubscribeResult((), ())
        )
        return unsubscribed_reply(result, asked, snapshot, lang, chat.conversation_type)

    async def _list_conversations(
        self, lang: Language, snapshot: DataSnapshot, user: User
    ) -> Reply:
        if not self._is_admin(user.aad_object_id):
            return not_admin(lang)
        conversations = await self._conversations.active()
        subscriptions = await self._subscriptions.for_conversations([c.id for c in conversations])
        inactive = await self._conversations.count_inactive()
        return conversations_reply(conversations, subscriptions, inactive, snapshot, lang)


# What a refused click says; nothing is written in any of these cases.
FORGED: Final[dict[str, str]] = {
    "malformed": "Den handling kender jeg ikke (længere). Intet er ændret.",
    "unknown_item": (
        "Den påmindelse kender jeg ikke (længere) – måske er data ændret siden. Intet er ændret."
    ),
    "bad_date": "En påmindelse kan kun udsættes til en dag inden for de næste 14 dage. Intet er gemt.",
    "unknown_municipality": "Den kommune kender jeg ikke. Intet er ændret.",
}
_DONE_STATUS: Final = {"task": "completed", "agreement": "signed"}


class ReminderButtons:
    """ "Vi har underskrevet" / "Markér som fuldført", "Påmind mig igen mandag", "Set"."""

    def __init__(
        self,
        store: Store,
        profiles: Profiles,
        updates: StatusUpdates,
        clicks: ReminderClicks,
        clock: Clock,
        is_admin: Callable[[str], bool],
        *,
        on_status_changed: StatusChanged = no_status_change,
    ) -> None:
        self._store = store
        self._profiles = profiles
        self._updates = updates
        self._clicks = clicks
        self._clock = clock
        self._is_admin = is_admin
        self._on_status_changed = on_status_changed

    async def click(self, data: Mapping[str, object], conversation_id: str, user: User) -> Reply:
        """The outcome of a click in ``conversation_id`` (a channel's, without ``;messageid=``)."""
        try:
            return await self._click(data, conversation_id, user)
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            log.warning("database unavailable during a reminder click (%s)", type(error).__name__)
            return Reply(text=OUTAGE["da"])

    async def _click(self, data: Mapping[str, object], conversation_id: str, user: User) -> Reply:
        now = self._clock()
        snapshot = await self._store.snapshot()
        click = read_click(data, snapshot, now.date())
        if isinstance(click, Forged):
            return Reply(text=FORGED[click.reason])
        if not user.aad_object_id:
            return Reply(text=NO_IDENTITY["da"])
        ctx = Context(snapshot, now.date(), "da")
        if isinstance(click, DoneClick):
            return await self._done(click, ctx, user)
        if isinstance(click, SnoozeClick):
            return await self._snooze(click, ctx, user)
        return await self._seen(click, ctx, conversation_id, user)

    async def _done(self, click: DoneClick, ctx: Context, user: User) -> Reply:
        profile = await self._profiles.get(user.aad_object_id)
        admin = self._is_admin(user.aad_object_id)
        municipality = click.municipality or (profile.municipality if profile else None)
        if municipality is None:
            return Reply(
                text="Jeg ved ikke, hvilken kommune du er programleder i, så jeg kan ikke "
                "registrere det. Skriv »jeg er programleder i …« først. Intet er ændret."
            )
        if not admin and (profile is None or profile.municipality != municipality):
            own = f" ({profile.municipality})" if profile else ""
            return Reply(
                text=f"Du kan kun indberette status for den kommune, du er programleder i{own}. "
                "Intet er ændret."
            )
        change = StatusChange(click.item, click.key, municipality, _DONE_STATUS[click.item])
        snapshot = ctx.snapshot
        statuses = (
            snapshot.tasks[click.key].statuses
            if click.item == "task"
            else snapshot.agreements[click.key].signatures
        )
        current = statuses.get(municipality)
        if current is not None and current.status == change.status:
            return Reply(
                text=f"Det er allerede registreret, at {describe_change(change, ctx)}. "
                "Intet er ændret."
            )
        actor = Actor(user.aad_object_id, user.name, user.conversation_id)
        now = self._clock()
        try:
            # The click is the confirmation: the same proposal and confirmation as self-service,
            # so the change is audited, versioned and undoable exactly like one.
            action_id = await self._updates.propose(change, actor, now)
            applied = await self._updates.confirm(action_id, actor, now)
        except UpdateRefused as refused:
            return Reply(text=REFUSED[refused.reason]["da"])
        self._store.invalidate()
        try:
            await self._on_status_changed(click.item, click.key)
        except Exception:
            log.warning(
                "updating reminder cards after a status change failed (%s %s)",
                click.item,
                click.key,
                exc_info=True,
            )
        return saved_reply(applied.change, applied.audit_id, ctx)

    async def _snooze(self, click: SnoozeClick, ctx: Context, user: User) -> Reply:
        await self._clicks.snooze(
            user.aad_object_id, click.item, click.key, click.until, self._clock()
        )
        snapshot = ctx.snapshot
        title = (
            task_name(snapshot.tasks[click.key], snapshot)
            if click.item == "task"
            else agreement_name(snapshot.agreements[click.key], snapshot)
        )
        day = format_date(click.until, "EEEE d. MMMM", locale="da")
        return Reply(text=f"Udsat: jeg minder dig om »{title}« igen {day}.")

    async def _seen(
        self, click: SeenClick, ctx: Context, conversation_id: str, user: User
    ) -> Reply:
        prefix = f"frozen_zone:frozen_zone:{click.key}:{click.occasion}:"
        if click.delivery is not None:
            delivery = await self._clicks.delivery(click.delivery)
            if (
                delivery is None
                or delivery.conversation_id != conversation_id
                or (delivery.items and not any(i.startswith(prefix) for i in delivery.items))
            ):
                return Reply(text=FORGED["unknown_item"])
        else:
            delivery = await self._clicks.latest_delivery_with(conversation_id, prefix)
            if delivery is None:
                return Reply(
                    text="Tak! Jeg kan ikke finde den udsendte påmindelse her, så klikket er "
                    "ikke talt med."
                )
        count = await self._clicks.acknowledge(delivery.id, user.aad_object_id, self._clock())
        zone = ctx.snapshot.frozen_zones[click.key]
        name = f"{zone.system} {zone.environment}".strip()
        people = "person har" if count == 1 else "personer har"
        return Reply(
            text=f"Noteret, at du har set den. {count} {people} set beskeden om {zone.kind} "
            f"for {name} i denne samtale."
        )
