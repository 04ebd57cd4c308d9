"""Citing where a fact comes from, in words a programme leader recognises.

The data stores sources as ``<seed file> | <slide heading>`` (several joined with ``; ``); a
user should read "Programledermøde [udateret, efter 21.11.2025], slide »Danmarkskort – …«", not
a hashed file name.
"""

from __future__ import annotations

from collections.abc import Mapping

from store.snapshot import Meeting


def deck_labels(meetings: Mapping[str, Meeting]) -> dict[str, str]:
    """Seed file → the label of the meeting deck it is the text of."""
    labels: dict[str, str] = {}
    for meeting in meetings.values():
        if meeting.is_deck:
            for part in meeting.source.split("; "):
                seed = part.split(" | ", 1)[0].strip()
                labels.setdefault(seed, meeting.label)
    return labels


def describe_source(source: str, meetings: Mapping[str, Meeting]) -> str:
    """``"002_x.txt | Danmarkskort – …"`` → ``"Programledermøde …, slide »Danmarkskort – …«"``."""
    labels = deck_labels(meetings)
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
