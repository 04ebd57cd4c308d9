"""Contacts per topic, and rollouts (go-live waves) per programme and municipality."""

from __future__ import annotations

import datetime as dt
import re

from dialogs.answer import Answer
from dialogs.answers.common import Context, newest_first_key, when
from dialogs.reply import Reply
from dialogs.text import plain
from store.snapshot import Contact

_WORD = re.compile(r"[a-zæøå0-9]+", re.I)
_STOP = frozenset(
    plain(w)
    for w in [
        "hvem",
        "kan",
        "jeg",
        "spørge",
        "spoerge",
        "kontakte",
        "skrive",
        "til",
        "om",
        "who",
        "can",
        "should",
        "ask",
        "contact",
        "about",
        "the",
        "for",
        "skal",
        "henvende",
        "mig",
        "tale",
        "ansvarlig",
        "kontaktperson",
        "hjælp",
        "responsible",
        "charge",
        "write",
        "talk",
        "email",
        "knows",
        "noget",
    ]
)


# Topics the decks name in Danish, as an English question would put them.
_ENGLISH_TOPICS = {
    "certificate": "certifikat",
    "file exchange": "filudveksling",
    "file transfer": "filudveksling",
    "message distributor": "beskedfordeler",
    "web service": "webservice",
    "support": "support",
    "invoic": "faktur",
    "election": "valg",
    "operation": "drift",
    "shared infrastructure": "infrastruktur",
}


def contacts_for(ctx: Context, text: str, solution_codes: list[str]) -> Reply:
    """ "hvem kan jeg spørge om VALG?": contacts whose topic names the solution or the words."""
    terms = {plain(c) for c in solution_codes}
    terms |= {
        plain(w)
        for w in _WORD.findall(text)
        if (len(w) >= 4 or (len(w) >= 2 and w.isupper())) and plain(w) not in _STOP
    }
    terms |= {
        plain(danish) for english, danish in _ENGLISH_TOPICS.items() if english in plain(text)
    }

    def score(contact: Contact) -> int:
        topic = plain(f"{contact.role_or_topic} {contact.address} {contact.name}")
        return sum(1 for term in terms if term in topic)

    matches = sorted(
        (c for c in ctx.snapshot.contacts if score(c) > 0),
        key=lambda c: (score(c), newest_first_key(c.meeting, ctx.snapshot)),
        reverse=True,
    )
    best = plain(f"{matches[0].role_or_topic} {matches[0].address}") if matches else ""
    named = sorted(t for t in terms if t in best and t not in (plain(c) for c in solution_codes))
    topic = ", ".join(solution_codes) or ", ".join(named) or text
    answer = Answer(title=ctx.t(f"Kontakt – {topic}", f"Contact – {topic}"), lang=ctx.lang)
    seen: set[str] = set()
    lines = []
    for contact in matches:
        who = contact.name or contact.address
        key = f"{who}|{contact.address}"
        if key in seen:
            continue
        seen.add(key)
        line = who
        if contact.title:
            line += f", {contact.title}"
        if contact.address and contact.address != who:
            line += f" – {contact.address}"
        line += f" ({contact.role_or_topic})"
        lines.append(line)
        answer.cite(contact.source, ctx.snapshot.deck_labels)
    if lines:
        answer.section("", lines[:6])
    else:
        answer.intro = ctx.t(
            "Jeg kender ingen kontakt for netop det emne. Skriv til programleder@kombit.dk.",
            "I know no contact for that topic. Write to programleder@kombit.dk.",
        )
    return answer.reply()


def rollout_for_municipality(ctx: Context, municipality: str, solutions: list[str]) -> Reply:
    """ "hvornår gik Vejle live på KY?"."""
    waves = [
        w
        for w in ctx.snapshot.rollout_waves
        if w.municipality == municipality and (not solutions or w.solution in solutions)
    ]
    answer = Answer(
        title=ctx.t(f"Go-live – {municipality}", f"Go-live – {municipality}"), lang=ctx.lang
    )
    if not waves:
        answer.intro = ctx.t(
            f"Jeg kender ingen go-live for {municipality}"
            + (" på " + ", ".join(solutions) if solutions else "")
            + ".",
            f"I know of no go-live for {municipality}.",
        )
        return answer.reply()
    answer.section(
        "",
        [
            f"{w.programme} – {ctx.t('bølge', 'wave')} {w.wave}: {when(w.go_live, ctx.lang)}"
            + (
                f" ({w.name_as_written})"
                if w.name_as_written and w.name_as_written != municipality
                else ""
            )
            for w in waves
        ],
    )
    if any("udledt" in w.notes.casefold() for w in waves):
        answer.notes.append(
            ctx.t(
                "Bølgenavnene er udledt af rækkefølgen på sliden.",
                "The wave labels are derived from the order on the slide.",
            )
        )
    for wave in waves:
        answer.cite(wave.source, ctx.snapshot.deck_labels)
    return answer.reply()


def rollout_wave(ctx: Context, wave_code: str, solutions: list[str]) -> Reply:
    """ "hvilke kommuner var i bølge B3?"."""
    code = wave_code.casefold()
    waves = [
        w
        for w in ctx.snapshot.rollout_waves
        if w.wave.casefold() == code and (not solutions or w.solution in solutions)
    ]
    answer = Answer(
        title=ctx.t(f"Bølge {wave_code}", f"Wave {wave_code}"), lang=ctx.lang, limit=None
    )
    if not waves:
        known = sorted({w.wave for w in ctx.snapshot.rollout_waves})
        answer.intro = ctx.t(
            f"Jeg kender ingen bølge »{wave_code}«. Kendte bølger: {', '.join(known)}.",
            f"I know no wave »{wave_code}«. Known waves: {', '.join(known)}.",
        )
        return answer.reply()
    first = waves[0]
    answer.intro = f"{first.programme}, go-live {when(first.go_live, ctx.lang)}"
    names = sorted(
        {w.municipality or w.name_as_written for w in waves if w.municipality or w.name_as_written}
    )
    answer.section(ctx.t(f"Kommuner ({len(names)})", f"Municipalities ({len(names)})"), names)
    if not names:
        answer.notes.append(
            ctx.t(
                "Kommunerne i bølgen står ikke i mine data.",
                "The municipalities of this wave are not in my data.",
            )
        )
    answer.cite(first.source, ctx.snapshot.deck_labels)
    return answer.reply()


def rollout_in_period(
    ctx: Context, start: dt.date, end: dt.date, label: str, solutions: list[str]
) -> Reply | None:
    """ "hvem kom på KY i marts 2021?": the wave that went live in the period (its members), or
    the waves, when several did; None when no wave went live then (another answer may fit)."""
    waves = [
        w
        for w in ctx.snapshot.rollout_waves
        if w.go_live is not None
        and w.go_live.earliest is not None
        and w.go_live.latest is not None
        and w.go_live.earliest <= end
        and w.go_live.latest >= start
        and (not solutions or w.solution in solutions)
    ]
    codes = sorted({w.wave for w in waves})
    if len(codes) == 1:
        return rollout_wave(ctx, codes[0], solutions)
    if not codes:
        return None
    answer = Answer(title=ctx.t(f"Go-live {label}", f"Go-live {label}"), lang=ctx.lang, limit=None)
    lines = []
    for code in codes:
        first = next(w for w in waves if w.wave == code)
        names = sorted({w.municipality or w.name_as_written for w in waves if w.wave == code})
        lines.append(
            ctx.t(
                f"Bølge {code} ({first.programme}, {when(first.go_live, 'da')}): {', '.join(names)}",
                f"Wave {code} ({first.programme}, {when(first.go_live, 'en')}): {', '.join(names)}",
            )
        )
    answer.section("", lines)
    return answer.reply()
