"""Danish or English? Decided from the words of the message, Danish when in doubt.

Teams' ``locale`` is the user's UI language, which for many Danish programme leaders is English,
so the text itself is the better signal. Words both languages write ("for", "i", "data",
"status") count for neither.
"""

from __future__ import annotations

import re

from dialogs.reply import Language

_WORD = re.compile(r"[a-zæøå]+")
_ENGLISH = frozenset(
    [
        "help",
        "what",
        "which",
        "who",
        "when",
        "where",
        "why",
        "how",
        "is",
        "are",
        "the",
        "does",
        "do",
        "did",
        "due",
        "this",
        "next",
        "last",
        "week",
        "still",
        "sign",
        "signed",
        "need",
        "needs",
        "to",
        "of",
        "in",
        "on",
        "my",
        "our",
        "we",
        "us",
        "am",
        "programme",
        "leader",
        "hello",
        "hi",
        "hey",
        "morning",
        "thanks",
        "thank",
        "all",
        "municipality",
        "municipalities",
        "signature",
        "about",
        "please",
        "show",
        "list",
        "agreements",
        "tasks",
        "deadline",
        "deadlines",
        "frozen",
        "zone",
        "meeting",
        "can",
        "you",
    ]
)
_DANISH = frozenset(
    [
        "hjælp",
        "hvad",
        "hvilke",
        "hvilken",
        "hvem",
        "hvornår",
        "hvor",
        "hvorfor",
        "hvordan",
        "er",
        "har",
        "skal",
        "kan",
        "mangler",
        "vi",
        "os",
        "vores",
        "jeg",
        "og",
        "på",
        "om",
        "til",
        "med",
        "den",
        "det",
        "de",
        "næste",
        "sidste",
        "uge",
        "aftaler",
        "opgaver",
        "frist",
        "møde",
        "underskrive",
        "underskrevet",
        "datastatus",
        "frister",
        "fristen",
        "ikke",
        "af",
        "alle",
        "vis",
        "hej",
        "tak",
        "godmorgen",
        "kommune",
        "kommuner",
        "kommunen",
        "mødet",
        "aftale",
        "aftalen",
        "opgave",
    ]
)


def detect_language(text: str) -> Language:
    lowered = text.casefold()
    if re.search(r"[æøå]", lowered):
        return "da"
    words = _WORD.findall(lowered)
    english = sum(w in _ENGLISH for w in words)
    danish = sum(w in _DANISH for w in words)
    return "en" if english > danish else "da"
