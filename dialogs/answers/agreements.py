"""Agreements: what a municipality still has to sign, who has (not) signed, per solution."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection

from dialogs.answer import Answer
from dialogs.answers.common import (
    SIGNATURE_WORDS,
    Context,
    agreement_name,
    deadline_phrase,
    is_current_agreement,
    is_stale,
    newest_first_key,
    sentence,
    solution_code,
    status_date_note,
    status_word,
    when,
)
from dialogs.reply import Reply
from dialogs.text import plain
from store.snapshot import Agreement

KIND_WORDS: dict[str, re.Pattern[str]] = {
    "tilslutningsaftale": re.compile(r"tilslutning|accession|connection agreement|join", re.I),
    "databehandleraftale": re.compile(r"databehandler|\bdba\b|data ?processing|\bdpa\b", re.I),
    "dataudvekslingsaftale": re.compile(r"dataudveksling|data ?exchange", re.I),
    "serviceaftale": re.compile(r"serviceaftale|service agreement", re.I),
}
_WORD = re.compile(r"[a-zæøå0-9]+", re.I)
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?![\w.])")
_COMPOUND = re.compile(r"^([a-zæøå0-9]{5,}?)aftale(?:n|r|rne)?$")
_COMMON = frozenset(
    plain(w)
    for w in [
        "aftale",
        "aftalen",
        "aftaler",
        "underskrive",
        "underskrevet",
        "mangler",
        "hvilke",
        "hvem",
        "kommune",
        "kommuner",
        "agreement",
        "agreements",
        "signed",
        "still",
        "which",
        "municipalities",
        "tilslutningsaftalen",
        "databehandleraftalen",
    ]
)


def find_agreements(
    ctx: Context,
    text: str,
    solutions: Collection[str],
    named: Collection[str],
    *,
    strict: bool = False,
) -> list[Agreement]:
    """The agreements a question is about, best first; several when it cannot tell.
    ``strict``: only agreements the question really names (a solution, a kind of agreement or
    words of a title), never every agreement because a word matched none."""
    agreements = ctx.snapshot.agreements
    if named:
        return [agreements[key] for key in named if key in agreements]
    candidates = list(agreements.values())
    if solutions:
        candidates = [a for a in candidates if a.solution in solutions]
    kinds = {kind for kind, pattern in KIND_WORDS.items() if pattern.search(text)}
    if kinds:
        candidates = [a for a in candidates if a.kind in kinds]
    words = {
        w
        for w in (plain(w) for w in _WORD.findall(text) if len(w) >= 5)
        if not w.startswith(("aftal", "agreement"))  # any form of "aftale": no title word
    } - _COMMON
    # An English plural finds the Danish compound ("standards" in "datastandard").
    words |= {w[:-1] for w in words if len(w) > 5 and w.endswith("s")}
    # … and a Danish plural or definite form its base ("datastandarder" in "datastandard").
    words |= {w[:-2] for w in words if len(w) > 7 and w.endswith(("er", "en", "et", "ne"))}
    words |= {w[:-4] for w in words if len(w) > 9 and w.endswith(("erne", "ene"))}
    # … and a compound with "aftale" its first part ("datastandardaftalen").
    words |= {m.group(1) for w in words if (m := _COMPOUND.match(w))}
    if words:
        # The agreements that share the most words with the question ("visning af
        # forskudsopgørelse for 11 formål" is one agreement, not every "visning").
        hits = {a.key: sum(w in _haystack(a, ctx) for w in words) for a in candidates}
        most = max(hits.values(), default=0)
        by_title = [a for a in candidates if most and hits[a.key] == most]
        if strict and not by_title and not (solutions or kinds):
            return []
        candidates = by_title or candidates
    # An appendix the question names picks among agreements with appendices ("bilag A").
    appendix = _appendix(text)
    with_it = [a for a in candidates if appendix and _appendix(a.title) == appendix]
    candidates = with_it or candidates
    # A number the question names picks among numbered ones ("datapakke 3").
    numbers = set(_NUMBER.findall(text))
    numbered = [a for a in candidates if numbers and numbers <= set(_NUMBER.findall(a.title))]
    candidates = numbered or candidates
    if not (solutions or kinds or words):
        return []
    # The newest deck's agreement first; one with a signature list before one without.
    return sorted(
        candidates,
        key=lambda a: (newest_first_key(a.meeting, ctx.snapshot), bool(a.signatures)),
        reverse=True,
    )


_APPENDIX = re.compile(r"\bbilag\s+([a-d](?:\s*[+,og&]+\s*[a-d])*)\b", re.I)


def _appendix(text: str) -> frozenset[str]:
    """The appendix letters named ("bilag B+C+D" → {b, c, d}); empty when none."""
    found = _APPENDIX.search(text)
    return frozenset(re.findall(r"[a-d]", found.group(1).casefold())) if found else frozenset()


def _haystack(agreement: Agreement, ctx: Context) -> str:
    """The words an agreement is known by: its title and its solution's names."""
    solution = ctx.snapshot.solutions.get(agreement.solution or "")
    names = [agreement.title, agreement.solution_as_written]
    if solution is not None:
        names += [solution.full_name, *solution.aliases]
    return plain(" ".join(names))


def _deadline_order(agreement: Agreement) -> tuple[int, dt.date]:
    """Soonest deadline first; undecided and missing deadlines last."""
    deadline = agreement.deadline
    if deadline is not None and deadline.latest is not None:
        return (0, deadline.latest)
    return (1, dt.date.max)


def _with_deadline(agreement: Agreement, ctx: Context) -> str:
    return f"{agreement_name(agreement, ctx.snapshot)} – {deadline_phrase(agreement.deadline, ctx)}"


def agreements_for_municipality(ctx: Context, municipality: str) -> Reply:
    """ "Hvilke aftaler mangler Vejle at underskrive?": missing, unknown and signed, kept apart."""
    missing: list[Agreement] = []
    signed: list[Agreement] = []
    unknown: list[Agreement] = []
    for agreement in ctx.snapshot.agreements.values():
        status = agreement.signatures.get(municipality)
        if status is not None and status.status == "missing":
            missing.append(agreement)
        elif status is not None and status.status == "signed":
            signed.append(agreement)
        elif is_current_agreement(agreement, ctx):
            unknown.append(agreement)
    answer = Answer(
        title=ctx.t(f"Aftaler – {municipality}", f"Agreements – {municipality}"),
        lang=ctx.lang,
        limit=None if ctx.show_all else 12,
    )
    if missing:
        answer.section(
            ctx.t("Mangler underskrift", "Signature missing"),
            [_with_deadline(a, ctx) for a in missing],
        )
    else:
        answer.intro = ctx.t(
            f"Jeg kender ingen aftaler, som {municipality} mangler at underskrive.",
            f"I know of no agreement that {municipality} still has to sign.",
        )
    if unknown:
        answer.section(
            ctx.t(
                "Status ukendt – ingen liste pr. kommune",
                "Status unknown – no list per municipality",
            ),
            [_with_deadline(a, ctx) for a in sorted(unknown, key=_deadline_order)],
            note=ctx.t(
                "For disse aftaler findes ingen oversigt over, hvem der har underskrevet.",
                "For these agreements there is no record of who has signed.",
            ),
        )
    if signed:
        answer.section(
            ctx.t("Underskrevet", "Signed"),
            [
                f"{agreement_name(a, ctx.snapshot)} – {status_word(a.signatures[municipality], SIGNATURE_WORDS, ctx.lang)}"
                for a in signed
            ],
        )
        if any(a.signatures[municipality].derived for a in signed):
            answer.notes.append(
                ctx.t(
                    "»Udledt«: kommunen stod ikke på listen over manglende underskrifter.",
                    "»Derived«: the municipality was not on the list of missing signatures.",
                )
            )
    notes = {
        status_date_note(
            a.signatures[municipality].status_as_of_raw,
            a.signatures[municipality].status_as_of,
            ctx,
        )
        for a in missing + signed
    }
    answer.notes.extend(sorted(notes))
    answer.states_age = any(
        is_stale(a.signatures[municipality].status_as_of, ctx) for a in missing + signed
    )
    for agreement in unknown:
        answer.cite(agreement.source, ctx.snapshot.deck_labels)
    for agreement in missing + signed:
        answer.cite(agreement.signatures[municipality].source, ctx.snapshot.deck_labels)
    answer.show_all_question = ctx.t(
        f"hvilke aftaler mangler {municipality} at underskrive vis alle",
        f"which agreements does {municipality} still need to sign show all",
    )
    return answer.reply()


def who_agreement(
    ctx: Context,
    agreement: Agreement,
    *,
    signed: bool,
    region: str | None = None,
    count: bool = False,
) -> Reply:
    """ "Hvem mangler at underskrive …?" / "hvem har underskrevet …?" for one agreement;
    ``region``: only that region's municipalities ("i Region Midtjylland"); ``count``: the
    question asks how many, so the number comes first."""
    name = agreement_name(agreement, ctx.snapshot)
    members = set(ctx.snapshot.regions.get(region, ())) if region else None
    title = f"{name} – {ctx.t('Region', 'Region')} {region}" if region else name
    answer = Answer(title=title, lang=ctx.lang, limit=None if ctx.show_all else 30)
    facts = [deadline_phrase(agreement.deadline, ctx)]
    if agreement.sent:
        facts.append(
            ctx.t(f"sendt {when(agreement.sent, 'da')}", f"sent {when(agreement.sent, 'en')}")
        )
    if agreement.sent_to:
        facts.append(ctx.t(f"udsendt til {agreement.sent_to}", f"sent to {agreement.sent_to}"))
    answer.intro = sentence("; ".join(facts)) + "."
    if not agreement.signatures:
        if count:  # "hvor mange …?": the answer to that first — the number is not known
            answer.intro = (
                ctx.t(
                    "Antallet er ukendt: der findes ingen liste pr. kommune for denne aftale.",
                    "The number is unknown: there is no list per municipality for this agreement.",
                )
                + " "
                + answer.intro
            )
        answer.section(
            ctx.t("Status ukendt", "Status unknown"),
            [],
            note=ctx.t(
                "Der findes ingen liste pr. kommune for denne aftale, så jeg kan ikke sige, "
                "hvem der mangler at underskrive – kun fristen.",
                "There is no list per municipality for this agreement, so I cannot say who "
                "still has to sign – only the deadline.",
            ),
        )
        answer.cite(agreement.source, ctx.snapshot.deck_labels)
        return answer.reply()
    by_status: dict[str, list[str]] = {}
    for municipality, status in sorted(agreement.signatures.items()):
        if members is None or municipality in members:
            by_status.setdefault(status.status, []).append(municipality)
    missing = by_status.get("missing", [])
    signed_list = by_status.get("signed", [])
    in_scope = len(members) if members is not None else len(ctx.snapshot.municipalities)
    listed = sum(len(names) for names in by_status.values())
    unknown_count = in_scope - listed + len(by_status.get("unknown", []))
    if count:
        where = ctx.t(f" i Region {region}", f" in Region {region}") if region else ""
        answer.intro = (
            (
                ctx.t(
                    f"{len(signed_list)} kommuner{where} har underskrevet.",
                    f"{len(signed_list)} municipalities{where} have signed.",
                )
                if signed
                else ctx.t(
                    f"{len(missing)} kommuner{where} mangler at underskrive.",
                    f"{len(missing)} municipalities{where} have not signed.",
                )
            )
            + " "
            + answer.intro
        )
    derived = any(s.derived for s in agreement.signatures.values() if s.status == "signed")
    primary, secondary = (signed_list, missing) if signed else (missing, signed_list)
    primary_title = (
        ctx.t(f"Underskrevet ({len(signed_list)})", f"Signed ({len(signed_list)})")
        if signed
        else ctx.t(f"Mangler underskrift ({len(missing)})", f"Signature missing ({len(missing)})")
    )
    answer.section(primary_title, primary, inline=True)
    if signed and derived:
        answer.notes.append(
            ctx.t(
                "Underskrifterne er udledt: kommunerne stod ikke på listen over manglende underskrifter.",
                "The signatures are derived: these municipalities were not on the list of missing signatures.",
            )
        )
    other = (
        ctx.t(
            f"{len(secondary)} kommuner mangler underskrift.",
            f"{len(secondary)} municipalities have not signed.",
        )
        if signed
        else ctx.t(
            f"{len(secondary)} kommuner har underskrevet{' (udledt)' if derived else ''}.",
            f"{len(secondary)} municipalities have signed{' (derived)' if derived else ''}.",
        )
    )
    answer.notes.append(other)
    if unknown_count:
        answer.notes.append(
            ctx.t(
                f"Status ukendt for {unknown_count} kommuner.",
                f"Status unknown for {unknown_count} municipalities.",
            )
        )
    any_status = next(iter(agreement.signatures.values()))
    answer.notes.append(status_date_note(any_status.status_as_of_raw, any_status.status_as_of, ctx))
    answer.states_age = is_stale(any_status.status_as_of, ctx)
    if derived and not signed:
        answer.notes.append(
            ctx.t(
                "»Udledt«: de kommuner, der ikke stod på listen over manglende underskrifter.",
                "»Derived«: the municipalities that were not on the list of missing signatures.",
            )
        )
    answer.cite(any_status.source, ctx.snapshot.deck_labels)
    answer.show_all_question = (
        ctx.t(
            f"hvem har underskrevet {agreement.key} vis alle",
            f"who has signed {agreement.key} show all",
        )
        if signed
        else ctx.t(
            f"hvem mangler at underskrive {agreement.key} vis alle",
            f"who has not signed {agreement.key} show all",
        )
    )
    return answer.reply()


def names_a_kind(text: str) -> bool:
    """The text names a kind of agreement ("databehandleraftale", "accession agreement")."""
    return any(pattern.search(text) for pattern in KIND_WORDS.values())


def pick_one(found: list[Agreement]) -> Agreement | None:
    """The one agreement a question is about: the only one found, or the only one of the best
    that has a signature list; None when the question does not tell."""
    if len(found) == 1 or (found and found[0].signatures and not found[1].signatures):
        return found[0]
    return None


def municipality_agreement_status(ctx: Context, agreement: Agreement, municipality: str) -> Reply:
    """ "Har Odense skrevet under på …?": yes, no or unknown first, then the deadline and the
    status's own date and source. "Mangler underskrift" is a no; no status is "ukendt"."""
    name = agreement_name(agreement, ctx.snapshot)
    answer = Answer(title=f"{municipality} – {name}", lang=ctx.lang)
    status = agreement.signatures.get(municipality)
    deadline = deadline_phrase(agreement.deadline, ctx)
    if status is not None and status.status == "signed":
        derived = ctx.t(
            " (udledt: kommunen stod ikke på listen over manglende underskrifter)",
            " (derived: the municipality was not on the list of missing signatures)",
        )
        answer.intro = ctx.t(
            f"Ja – {municipality} har underskrevet{derived if status.derived else ''}.",
            f"Yes – {municipality} has signed{derived if status.derived else ''}.",
        )
    elif status is not None and status.status == "missing":
        answer.intro = ctx.t(
            f"Nej – {municipality} mangler at underskrive; {deadline}.",
            f"No – {municipality} has not signed yet; {deadline}.",
        )
    elif not agreement.signatures:
        answer.intro = ctx.t(
            f"Ukendt – der findes ingen liste pr. kommune for denne aftale; {deadline}.",
            f"Unknown – there is no list per municipality for this agreement; {deadline}.",
        )
        answer.cite(agreement.source, ctx.snapshot.deck_labels)
        return answer.reply()
    else:
        answer.intro = ctx.t(
            f"Ukendt – listen over underskrifter siger ikke noget om {municipality}; {deadline}.",
            f"Unknown – the list of signatures says nothing about {municipality}; {deadline}.",
        )
    shown = status or next(iter(agreement.signatures.values()))
    answer.notes.append(status_date_note(shown.status_as_of_raw, shown.status_as_of, ctx))
    answer.states_age = is_stale(shown.status_as_of, ctx)
    answer.cite(shown.source, ctx.snapshot.deck_labels)
    return answer.reply()


def solution_agreements(ctx: Context, solution: str) -> Reply:
    agreements = [a for a in ctx.snapshot.agreements.values() if a.solution == solution]
    code = solution_code(solution, ctx.snapshot)
    answer = Answer(title=ctx.t(f"Aftaler – {code}", f"Agreements – {code}"), lang=ctx.lang)
    if not agreements:
        answer.intro = ctx.t(
            f"Jeg kender ingen aftaler for {code}.", f"I know of no agreements for {code}."
        )
        return answer.reply()
    ordered = sorted(
        agreements, key=lambda a: newest_first_key(a.meeting, ctx.snapshot), reverse=True
    )
    answer.section(
        "",
        [
            f"{a.title} – {deadline_phrase(a.deadline, ctx)}"
            + (
                ctx.t(" (liste over underskrifter findes)", " (signature list available)")
                if a.signatures
                else ""
            )
            for a in ordered
        ],
    )
    for agreement in ordered:
        answer.cite(agreement.source, ctx.snapshot.deck_labels)
    return answer.reply()
