"""From a message's text to a reply: recognise the command, ask the store, build the answer."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Literal

from dialogs.data_status import data_status_reply
from dialogs.help import help_reply
from dialogs.language import detect_language
from dialogs.reply import Language, Reply
from store.repository import Store

Command = Literal["help", "data_status"]

# Exact commands (after lower-casing and dropping punctuation), with the language they are in.
COMMANDS: dict[str, tuple[Command, Language]] = {
    "hjælp": ("help", "da"),
    "hjaelp": ("help", "da"),
    "hjalp": ("help", "da"),
    "hjælp mig": ("help", "da"),
    "hvad kan du": ("help", "da"),
    "help": ("help", "en"),
    "what can you do": ("help", "en"),
    "datastatus": ("data_status", "da"),
    "status på data": ("data_status", "da"),
    "om data": ("data_status", "da"),
    "hvor gamle er data": ("data_status", "da"),
    "data status": ("data_status", "en"),
    "about the data": ("data_status", "en"),
    "how old is the data": ("data_status", "en"),
}
_PUNCTUATION = re.compile(r"[?!.,:;]+")

NOT_UNDERSTOOD: dict[Language, str] = {
    "da": (
        "Det kan jeg ikke svare på endnu – jeg er ved at lære mere. "
        "Skriv **hjælp** for at se, hvad jeg kan nu."
    ),
    "en": "I can't answer that yet – I am still learning. Type **help** to see what I can do now.",
}
EMPTY: dict[Language, str] = {
    "da": "Skriv **hjælp** for at se, hvad jeg kan.",
    "en": "Type **help** to see what I can do.",
}


def recognise(text: str) -> tuple[Command, Language] | None:
    normalised = " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())
    return COMMANDS.get(normalised)


class Dialogs:
    """The bot's conversational behaviour; pure apart from the store it asks and the clock."""

    def __init__(self, store: Store, clock: Callable[[], dt.datetime]) -> None:
        self._store = store
        self._clock = clock

    async def respond(self, text: str) -> Reply:
        command = recognise(text)
        if command is None:
            lang = detect_language(text)
            return Reply(text=EMPTY[lang] if not text.strip() else NOT_UNDERSTOOD[lang])
        name, lang = command
        overview = await self._store.overview()
        if name == "help":
            return help_reply(overview, self._clock().date(), lang)
        snapshot = await self._store.snapshot()
        return data_status_reply(overview, snapshot.meetings, self._clock(), lang)
