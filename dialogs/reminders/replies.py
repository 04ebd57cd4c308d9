"""What the bot says about subscriptions and where it speaks, in Danish and English. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from dialogs.answer import Answer
from dialogs.answers.common import sentence
from dialogs.reminders.topics import topic_name
from dialogs.reply import Language, Reply
from store.conversations import Conversation
from store.snapshot import DataSnapshot
from store.subscriptions import ALL, StoredSubscription, SubscribeResult, Topic, UnsubscribeResult

__all__ = [
    "conversations_reply",
    "not_admin",
    "only_in_personal_chat",
    "subject",
    "subscribed_reply",
    "subscriptions_reply",
    "unknown_topic",
    "unsubscribed_reply",
]

_SUBJECT: Final[dict[str, tuple[str, str]]] = {
    "personal": ("du", "you"),
    "groupChat": ("denne chat", "this chat"),
    "channel": ("denne kanal", "this channel"),
}
_TYPE_WORDS: Final[dict[str, tuple[str, str]]] = {
    "personal": ("personlig chat", "personal chat"),
    "groupChat": ("gruppechat", "group chat"),
    "channel": ("kanal", "channel"),
}
_SECTIONS: Final[dict[str, tuple[str, str]]] = {
    "channel": ("Kanaler", "Channels"),
    "groupChat": ("Gruppechats", "Group chats"),
    "personal": ("Personlige chats", "Personal chats"),
}
_NARROW: Final[dict[Language, str]] = {
    "da": (
        "Gør det smallere med fx »abonnér på Vejle«, »abonnér på SAPA«, "
        "»abonnér på Region Nordjylland« eller »abonnér på frozen zones«."
    ),
    "en": (
        "Narrow it with e.g. »subscribe to Vejle«, »subscribe to SAPA«, "
        "»subscribe to Region Nordjylland« or »subscribe to frozen zones«."
    ),
}
_MANAGE: Final[dict[Language, str]] = {
    "da": "»mine abonnementer« viser dem, »afmeld alt« stopper dem.",
    "en": "»my subscriptions« lists them, »unsubscribe all« stops them.",
}


def subject(conversation_type: str, lang: Language) -> str:
    """Who gets the reminders, as the subject of a sentence: "du", "denne kanal" …"""
    da, en = _SUBJECT.get(conversation_type, ("denne samtale", "this conversation"))
    return da if lang == "da" else en


def _t(lang: Language, da: str, en: str) -> str:
    return da if lang == "da" else en


def _names(topics: Sequence[Topic], snapshot: DataSnapshot, lang: Language) -> str:
    names = [topic_name(topic, snapshot, lang) for topic in topics]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + _t(lang, " og ", " and ") + names[-1]


def _current(subscriptions: Sequence[StoredSubscription]) -> list[Topic]:
    return [s.topic for s in subscriptions]


def subscribed_reply(
    result: SubscribeResult,
    snapshot: DataSnapshot,
    lang: Language,
    conversation_type: str,
    *,
    own_municipality: bool = False,
    unregistered: bool = False,
) -> Reply:
    """ "Abonneret: denne kanal får nu påmindelser om Vejle (kommune)." and what changed."""
    who = subject(conversation_type, lang)
    lines: list[str] = []
    if ALL in result.added:
        lines.append(
            _t(
                lang,
                f"Abonneret: {who} får nu alle påmindelser – frister (en uge og en arbejdsdag "
                "før) og frozen zones.",
                f"Subscribed: {who} will now get all reminders – deadlines (a week and a working "
                "day before) and frozen zones.",
            )
        )
    elif result.added:
        names = _names(result.added, snapshot, lang)
        where = (
            _t(lang, ", hvor du er programleder", ", which you lead") if own_municipality else ""
        )
        lines.append(
            _t(
                lang,
                f"Abonneret: {who} får nu påmindelser om {names}{where}.",
                f"Subscribed: {who} will now get reminders about {names}{where}.",
            )
        )
    if result.already:
        names = _names(result.already, snapshot, lang)
        verb = _t(
            lang,
            "abonnerer allerede på",
            "already subscribe" + ("" if who == "you" else "s") + " to",
        )
        lines.append(f"{sentence(who)} {verb} {names}.")
    if ALL in result.replaced:
        rest = _names(_current(result.current), snapshot, lang)
        lines.append(
            _t(
                lang,
                f"Før fik {who} alle påmindelser; nu kun dem om {rest}.",
                f"Before, {who} got all reminders; now only those about {rest}.",
            )
        )
    elif result.replaced:
        names = _names(result.replaced, snapshot, lang)
        lines.append(_t(lang, f"(Det erstatter {names}.)", f"(This replaces {names}.)"))
    if unregistered:
        lines.append(
            _t(
                lang,
                "Vil du kun have påmindelser om din egen kommune, så skriv »jeg er programleder i "
                "Vejle« (med din kommune) og derefter »abonnér« – eller fx »abonnér på Vejle« "
                "eller »abonnér på SAPA«.",
                "For reminders about your own municipality only, write »I am programme leader for "
                "Vejle« (with your municipality) and then »subscribe« – or e.g. »subscribe to "
                "Vejle« or »subscribe to SAPA«.",
            )
        )
    elif ALL in result.added:
        lines.append(_NARROW[lang])
    lines.append(_MANAGE[lang])
    return Reply(text=" ".join(lines))


def subscriptions_reply(
    current: Sequence[StoredSubscription],
    snapshot: DataSnapshot,
    lang: Language,
    conversation_type: str,
) -> Reply:
    who = subject(conversation_type, lang)
    if not current:
        return Reply(
            text=_t(
                lang,
                f"{sentence(who)} abonnerer ikke på påmindelser. Skriv »abonnér« for alle, eller "
                "fx »abonnér på Vejle«.",
                f"{sentence(who)} {'have' if who == 'you' else 'has'} no reminder subscriptions. "
                "Write »subscribe« for all of them, or e.g. »subscribe to Vejle«.",
            )
        )
    names = _names(_current(current), snapshot, lang)
    verb = _t(lang, "abonnerer på", "subscribe" + ("" if who == "you" else "s") + " to")
    return Reply(text=f"{sentence(who)} {verb}: {names}. {_MANAGE[lang]}")


def unsubscribed_reply(
    result: UnsubscribeResult,
    asked: Sequence[Topic] | None,
    snapshot: DataSnapshot,
    lang: Language,
    conversation_type: str,
) -> Reply:
    who = subject(conversation_type, lang)
    rest = _current(result.current)
    if asked is None:
        if not result.removed:
            return Reply(
                text=_t(
                    lang,
                    f"{sentence(who)} abonnerede ikke på noget – intet er ændret.",
                    f"{sentence(who)} had no subscriptions – nothing changed.",
                )
            )
        return Reply(
            text=_t(
                lang,
                f"Afmeldt: {who} får ingen påmindelser mere.",
                f"Unsubscribed: {who} will get no more reminders.",
            )
        )
    if not result.removed:
        names = _names(asked, snapshot, lang)
        if ALL in rest:
            return Reply(
                text=_t(
                    lang,
                    f"{sentence(who)} får alle påmindelser, så jeg kan ikke trække {names} fra. "
                    "Skriv »afmeld alt«, og abonnér derefter på det, I vil have – intet er ændret.",
                    f"{sentence(who)} get{'' if who == 'you' else 's'} all reminders, so I cannot "
                    f"take out {names}. Write »unsubscribe all« and then subscribe to what you "
                    "want – nothing changed.",
                )
            )
        listed = _names(rest, snapshot, lang) or _t(lang, "intet", "nothing")
        return Reply(
            text=_t(
                lang,
                f"{sentence(who)} abonnerer ikke på {names} – intet er ændret. Abonnementer: "
                f"{listed}.",
                f"{sentence(who)} {'do' if who == 'you' else 'does'} not subscribe to {names} – "
                f"nothing changed. Subscriptions: {listed}.",
            )
        )
    removed = _names(result.removed, snapshot, lang)
    if rest:
        still = _names(rest, snapshot, lang)
        tail = _t(
            lang,
            f"{sentence(who)} abonnerer stadig på {still}.",
            f"{sentence(who)} still subscribe{'' if who == 'you' else 's'} to {still}.",
        )
    else:
        tail = _t(
            lang, f"{sentence(who)} får ingen påmindelser mere.", f"No more reminders for {who}."
        )
    return Reply(text=_t(lang, f"Afmeldt: {removed}. ", f"Unsubscribed: {removed}. ") + tail)


def unknown_topic(words: str, lang: Language, *, unsubscribe: bool = False) -> Reply:
    shown = words if len(words) <= 60 else words[:57] + "…"
    if unsubscribe:
        examples = _t(
            lang,
            "»afmeld Vejle«, »afmeld SAPA« eller »afmeld alt«",
            "»unsubscribe Vejle«, »unsubscribe SAPA« or »unsubscribe all«",
        )
    else:
        examples = _t(
            lang,
            "»abonnér på Vejle«, »abonnér på Region Nordjylland«, »abonnér på SAPA« eller "
            "»abonnér på frozen zones«",
            "»subscribe to Vejle«, »subscribe to Region Nordjylland«, »subscribe to SAPA« or "
            "»subscribe to frozen zones«",
        )
    return Reply(
        text=_t(
            lang,
            f"Jeg kender ikke »{shown}« som kommune, region eller løsning – intet er ændret. "
            f"Skriv fx {examples}.",
            f"I don't know »{shown}« as a municipality, region or solution – nothing changed. "
            f"Write e.g. {examples}.",
        )
    )


def not_admin(lang: Language) -> Reply:
    return Reply(
        text=_t(
            lang,
            "Listen over, hvor jeg sender påmindelser, kan kun ses af KOMBIT-administratorer.",
            "Only KOMBIT admins can see where I send reminders.",
        )
    )


def only_in_personal_chat(lang: Language) -> Reply:
    """The list names people (their personal chats): not for a whole channel to read."""
    return Reply(
        text=_t(
            lang,
            "Skriv »kanaler« til mig i en personlig chat – listen nævner personer.",
            "Write »channels« to me in a personal chat – the list names people.",
        )
    )


def _label(conversation: Conversation, lang: Language) -> str:
    if conversation.name:
        return conversation.name
    if conversation.conversation_type == "personal":
        return _t(lang, "(ukendt bruger)", "(unknown user)")
    return _t(lang, "(uden navn)", "(no name)")


def conversations_reply(
    conversations: Sequence[Conversation],
    subscriptions: Mapping[int, Sequence[StoredSubscription]],
    inactive: int,
    snapshot: DataSnapshot,
    lang: Language,
) -> Reply:
    """ "kanaler": every active conversation by type, with its subscriptions."""
    answer = Answer(
        title=_t(lang, "Her kan jeg sende påmindelser", "Where I can send reminders"),
        lang=lang,
        limit=None,
    )
    if not conversations:
        answer.intro = _t(
            lang,
            "Ingen steder endnu: installér mig i et team, en gruppechat eller en personlig chat.",
            "Nowhere yet: install me in a team, a group chat or a personal chat.",
        )
    for kind in ("channel", "groupChat", "personal"):
        found = [c for c in conversations if c.conversation_type == kind]
        if not found:
            continue
        da, en = _TYPE_WORDS[kind]
        title = _t(lang, *_SECTIONS[kind])
        items = []
        for conversation in found:
            subs = [s.topic for s in subscriptions.get(conversation.id, ())]
            listed = (
                _names(subs, snapshot, lang)
                if subs
                else _t(lang, "ingen abonnementer", "no subscriptions")
            )
            items.append(f"{_label(conversation, lang)} ({_t(lang, da, en)}) – {listed}")
        answer.section(f"{title} ({len(found)})", items)
    others = [c for c in conversations if c.conversation_type not in _TYPE_WORDS]
    if others:
        answer.section(
            _t(lang, "Andre samtaler", "Other conversations"),
            [f"{_label(c, lang)} ({c.conversation_type or '?'})" for c in others],
        )
    if inactive:
        answer.notes.append(
            _t(
                lang,
                f"{inactive} steder er jeg fjernet fra (eller Teams afviser mig dér); dem sender "
                "jeg ikke til.",
                f"I have been removed from {inactive} places (or Teams refuses me there); I send "
                "nothing there.",
            )
        )
    return answer.reply()
