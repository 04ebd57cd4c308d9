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
        "meeting",
        "can",
        "you",
        "have",
        "has",
        "wave",
        "go",
        "live",
        "contact",
        "visit",
        "visits",
        "visited",
        "there",
        "any",
        "anything",
        "before",
        "after",
        "month",
        "today",
        "now",
        "were",
        "was",
        "it",
        "a",
        "an",
        "should",
        "from",
        "work",
        "i'm",
        "signed",
        "completed",
        "mark",
        "as",
        "for",
        "address",
        "forget",
        "me",
        "delete",
        "processing",
        "accession",
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
        "der",
        "måned",
        "dag",
        "gik",
        "bølge",
        "kom",
        "blev",
        "bliver",
        "hos",
        "må",
        "man",
        "nu",
        "før",
        "efter",
        "være",
        "noget",
        "nogen",
        "også",
        "fra",
        "kontakt",
        "besøg",
        "møder",
        "glem",
        "mig",
        "min",
        "slet",
        "lige",
        "hvornår",
        "sidst",
        "seneste",
        "dagsorden",
        "deltog",
        "ud",
        "sige",
        "mener",
        "kommende",
        "januar",
        "februar",
        "marts",
        "maj",
        "juni",
        "juli",
        "oktober",
        "uge",
        "måneder",
        "dage",
        "nytår",
        "jul",
        "nye",
        "ny",
    ]
)


_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})
_PAIRS = re.compile(r"aa|oe")


def _folded(word: str) -> str:
    """ "næste", "naeste" and "naste" alike, so Danish typed without æøå still counts."""
    return _PAIRS.sub(lambda m: m.group()[0], word.translate(_FOLD))


# Folded, "før" is "for", which both languages write: such words count for neither.
_NEUTRAL = frozenset(["for", "i", "data", "status", "a", "man"])
_DANISH_FOLDED = frozenset(_folded(w) for w in _DANISH) - _ENGLISH - _NEUTRAL


def detect_language(text: str) -> Language:
    """Danish or English from the words of ``text`` (best with the names taken out, since
    "Hillerød" says nothing about the language of "deadlines for Hillerød next month")."""
    lowered = text.casefold()
    words = _WORD.findall(lowered)
    english = sum(w in _ENGLISH and w not in _NEUTRAL for w in words)
    danish = sum(_folded(w) in _DANISH_FOLDED for w in words)
    if re.search(r"[æøå]", lowered):  # Danish letters weigh, but a Danish word in an English
        danish += 2  # sentence ("who do I email about cyberværn?") does not make it Danish
    return "en" if english > danish else "da"


_KNOWN_WORDS = frozenset(_folded(w) for w in _ENGLISH | _DANISH)


def is_known_word(word: str) -> bool:
    """A word of either language's list (in the loose form), so never read as a typo."""
    return word in _KNOWN_WORDS
