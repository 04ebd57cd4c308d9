"""One loose form of text for comparing words as people type them.

Lower case; æ, ø and å and their two-letter spellings (ae, oe, aa) made one: "hvornår",
"hvornaar" and "hvornar" are one word, so are "Cyberværn" and "cybervaern". Used wherever the
bot compares a user's words with its own vocabulary or with words in the data (agreement
titles, contact topics). Names are matched by :mod:`dialogs.entities`, which keeps finer
distinctions (Vejle is not Vejen).
"""

from __future__ import annotations

import re
from typing import Final

_LETTERS: Final = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "ae", "ö": "o", "é": "e"})
_PAIRS: Final = re.compile(r"aa|oe")


def plain(text: str) -> str:
    """``text`` in the loose form: "Forskudsopgørelse" → "forskudsopgorelse"."""
    return _PAIRS.sub(lambda m: m.group()[0], text.casefold().translate(_LETTERS))
