"""Citing where a fact comes from, in words a programme leader recognises.

The data stores sources as ``<seed file> | <slide heading>`` (several joined with ``; ``); a
user should read "Programledermøde [udateret, efter 21.11.2025], slide »Danmarkskort – …«", not
a hashed file name.
"""

from __future__ import annotations

from collections.abc import Mapping


def describe_source(source: str, labels: Mapping[str, str]) -> str:
    """``"002_x.txt | Danmarkskort – …"`` → ``"Programledermøde …, slide »Danmarkskort – …«"``.

    ``labels`` maps a deck's seed file to its meeting label (``DataSnapshot.deck_labels``).
    """
    described: list[str] = []
    for part in (p.strip() for p in source.split("; ") if p.strip()):
        seed, _, heading = part.partition(" | ")
        deck = labels.get(seed.strip())
        if deck is None:
            described.append(part)
            continue
        text = f"{deck}, slide »{heading.strip()}«" if heading else deck
        if text not in described:
            described.append(text)
    return "; ".join(described)
