"""Citing where a fact comes from, in words a programme leader recognises.

The data stores sources as ``<seed file> | <slide heading>`` (several joined with ``; ``); a
user should read "Programledermøde [udateret, efter 21.11.2025], slide »Danmarkskort – …«", not
a hashed file name.
"""

from __future__ import annotations

from collections.abc import Mapping


def source_parts(source: str, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(deck label, slide heading)`` for each part of a source; unknown decks kept as written."""
    parts: list[tuple[str, str]] = []
    for part in (p.strip() for p in source.split("; ") if p.strip()):
        seed, _, heading = part.partition(" | ")
        deck = labels.get(seed.strip())
        parts.append((deck, heading.strip()) if deck is not None else (part, ""))
    return parts


def group_sources(parts: list[tuple[str, str]]) -> str:
    """``Møde A, slides »x«, »y«; Møde B, slide »z«`` — each deck named once."""
    slides: dict[str, list[str]] = {}
    for deck, heading in parts:
        headings = slides.setdefault(deck, [])
        if heading and heading not in headings:
            headings.append(heading)
    texts = []
    for deck, headings in slides.items():
        if not headings:
            texts.append(deck)
            continue
        word = "slide" if len(headings) == 1 else "slides"
        texts.append(f"{deck}, {word} " + ", ".join(f"»{h}«" for h in headings))
    return "; ".join(texts)


def describe_source(source: str, labels: Mapping[str, str]) -> str:
    """``"002_x.txt | Danmarkskort – …"`` → ``"Programledermøde …, slide »Danmarkskort – …«"``.

    ``labels`` maps a deck's seed file to its meeting label (``DataSnapshot.deck_labels``).
    """
    described: list[str] = []
    for deck, heading in source_parts(source, labels):
        text = f"{deck}, slide »{heading}«" if heading else deck
        if text not in described:
            described.append(text)
    return "; ".join(described)
