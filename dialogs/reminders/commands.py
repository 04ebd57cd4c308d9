"""Reading reminder commands: "abonnér [på …]", "mine abonnementer", "afmeld …", "kanaler".

Pure: the result says which command and where in the message its topic is (a span, so that
an ambiguous name can be asked back with the message rewritten, exactly as the Q&A does).
English command words make the reply English; everything else is Danish.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from dialogs.reply import Language

__all__ = [
    "ListConversations",
    "ListSubscriptions",
    "ReminderCommand",
    "Subscribe",
    "Unsubscribe",
    "parse_reminder_command",
]


@dataclass(frozen=True, slots=True)
class Subscribe:
    """ "abonnér" (``span`` empty) or "abonnér på Vejle" (``span`` covers "Vejle")."""

    lang: Language
    span: tuple[int, int]

    @property
    def has_topic(self) -> bool:
        return self.span[1] > self.span[0]


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """ "afmeld Vejle"; an empty ``span`` ("afmeld", "afmeld alt") means every subscription."""

    lang: Language
    span: tuple[int, int]

    @property
    def has_topic(self) -> bool:
        return self.span[1] > self.span[0]


@dataclass(frozen=True, slots=True)
class ListSubscriptions:
    lang: Language


@dataclass(frozen=True, slots=True)
class ListConversations:
    """ "kanaler": where the bot may speak (KOMBIT admins)."""

    lang: Language


ReminderCommand = Subscribe | Unsubscribe | ListSubscriptions | ListConversations

_ENGLISH_VERBS: Final = frozenset({"subscribe", "unsubscribe"})
# Who is subscribed, said in passing: "abonnér kanalen på Vejle", "subscribe me to SAPA".
_WHO: Final = (
    r"(?:\s+(?:mig|os|me|us|denne\s+kanal|kanalen|denne\s+chat|chatten|"
    r"this\s+channel|this\s+chat))?"
)
_SUBSCRIBE: Final = re.compile(
    r"^\s*(?P<verb>abonn[eéè]r|abonnere|subscribe)\b" + _WHO + r"(?:\s+(?:på|paa|to|til)\b)?"
    r"(?P<rest>.*?)[\s?!.]*$",
    re.IGNORECASE | re.DOTALL,
)
_UNSUBSCRIBE: Final = re.compile(
    r"^\s*(?P<verb>afmeld|unsubscribe)\b" + _WHO + r"(?:\s+(?:fra|from|på|paa)\b)?"
    r"(?P<rest>.*?)[\s?!.]*$",
    re.IGNORECASE | re.DOTALL,
)
# "afmeld alt", "unsubscribe from everything": every subscription.
_EVERYTHING: Final = re.compile(
    r"^(?:alt|alle|alting|everything|all|abonnement(?:et|erne|er)?|subscriptions?|"
    r"alle\s+abonnementer|all\s+subscriptions)$",
    re.IGNORECASE,
)
_LISTS: Final[dict[str, Language]] = {
    "mine abonnementer": "da",
    "vores abonnementer": "da",
    "abonnementer": "da",
    "vis abonnementer": "da",
    "vis mine abonnementer": "da",
    "hvad abonnerer vi på": "da",
    "hvad abonnerer jeg på": "da",
    "my subscriptions": "en",
    "our subscriptions": "en",
    "subscriptions": "en",
    "show subscriptions": "en",
    "list subscriptions": "en",
}
_CONVERSATIONS: Final[dict[str, Language]] = {
    "kanaler": "da",
    "vis kanaler": "da",
    "channels": "en",
    "show channels": "en",
    "list channels": "en",
}
_PUNCTUATION: Final = re.compile(r"[?!.,:;]+")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def parse_reminder_command(text: str) -> ReminderCommand | None:
    """The reminder command ``text`` is, or None. Spans index into the NFC form of ``text``,
    which is how Teams sends it (the caller passes that form on)."""
    text = unicodedata.normalize("NFC", text)
    plain = " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())
    if plain in _LISTS:
        return ListSubscriptions(_LISTS[plain])
    if plain in _CONVERSATIONS:
        return ListConversations(_CONVERSATIONS[plain])
    for pattern, kind in ((_SUBSCRIBE, Subscribe), (_UNSUBSCRIBE, Unsubscribe)):
        match = pattern.match(text)
        if match is None:
            continue
        lang: Language = "en" if match["verb"].casefold() in _ENGLISH_VERBS else "da"
        span = _trimmed(text, match.start("rest"), match.end("rest"))
        if kind is Unsubscribe and _EVERYTHING.match(text[span[0] : span[1]]):
            span = (span[1], span[1])
        return kind(lang, span)
    return None
