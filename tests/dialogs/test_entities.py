"""Entity resolution never gives a confident wrong answer, on the real built-in names.

The index is built from the same CSVs the built-in import loads (tests/support/entity_records),
so the thresholds are checked against the 98 real municipality names, not a toy list.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.entities import EntityIndex, EntityKind, EntityRecord, Mention, fold, skeleton
from tests.support.entity_records import builtin_records, municipality_records

MUNICIPALITIES = municipality_records()
NAMES = [record.key for record in MUNICIPALITIES]
INDEX = EntityIndex(builtin_records())

Expected = tuple[EntityKind, str | tuple[str, ...]]


def found(text: str, kinds: list[EntityKind] | None = None) -> list[Expected]:
    """Mentions as (kind, key) when resolved, (kind, sorted keys) when ambiguous."""
    return [_summary(mention) for mention in INDEX.find(text, kinds)]


def _summary(mention: Mention) -> Expected:
    if mention.resolved is not None:
        return mention.kind, mention.resolved.key
    return mention.kind, tuple(sorted(c.record.key for c in mention.candidates))


def test_builtin_data_is_what_the_thresholds_were_chosen_for() -> None:
    kinds = [record.kind for record in builtin_records()]
    assert kinds.count("municipality") == 98
    assert kinds.count("region") == 5
    assert sum(len(record.names) for record in MUNICIPALITIES) > 98 + 150


# --- rule 1: exact and alias matches win ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Vejle", "Vejle"),
        ("vejle", "Vejle"),
        ("VEJLE", "Vejle"),
        ("Vejen", "Vejen"),
        ("VEJEN", "Vejen"),
        ("Kbh", "København"),
        ("Kbh.", "København"),
        ("København", "København"),
        ("Københavns Kommune", "København"),
        ("Copenhagen", "København"),
        ("Hoje Taastrup", "Høje-Taastrup"),
        ("Høje Taastrup", "Høje-Taastrup"),
        ("hoeje-taastrup", "Høje-Taastrup"),
        ("Høje Tåstrup", "Høje-Taastrup"),
        ("Aabenraa", "Aabenraa"),
        ("Åbenrå", "Aabenraa"),
        ("Abenra", "Aabenraa"),
        ("Århus", "Aarhus"),
        ("Arhus", "Aarhus"),
        ("Bornholms Regionskommune", "Bornholm"),
        ("Vejle Kommune", "Vejle"),
        ("vejle kommune", "Vejle"),
        ("Horsholm", "Hørsholm"),
        ("Hørsholm", "Hørsholm"),
        ("Horsens", "Horsens"),
        ("Allerød", "Allerød"),
        ("Hillerod", "Hillerød"),
        ("Lyngby", "Lyngby-Taarbæk"),
        ("Kgs. Lyngby", "Lyngby-Taarbæk"),
        ("Ringkøbing Skjern", "Ringkøbing-Skjern"),
        ("RKSK", "Ringkøbing-Skjern"),
        ("Elsinore", "Helsingør"),
    ],
)
def test_exact_names_and_aliases_resolve_to_one_municipality_only(written: str, key: str) -> None:
    for mention in (INDEX.lookup(written, "municipality"), *INDEX.find(f"Hvad mangler {written}?")):
        assert mention is not None
        assert mention.resolved is not None and mention.resolved.key == key
        assert not mention.ambiguous
        assert len(mention.candidates) == 1 and mention.candidates[0].exact
        assert mention.candidates[0].score == 100.0


def test_an_exact_name_is_never_ambiguous_with_its_near_twin() -> None:
    for name, twin in [("Vejle", "Vejen"), ("Allerød", "Hillerød"), ("Nyborg", "Viborg")]:
        for written in (name, name.lower(), name.upper()):
            (mention,) = INDEX.find(f"Hvilke aftaler mangler {written} at underskrive?")
            assert mention.resolved is not None and mention.resolved.key == name
            assert twin not in {c.record.key for c in mention.candidates}


def test_a_trailing_kommune_belongs_to_the_mention() -> None:
    text = "Hvem i Odense kommune mangler FBS?"
    first, second = INDEX.find(text)
    assert first.text == "Odense kommune" and text[slice(*first.span)] == "Odense kommune"
    assert (second.kind, second.text) == ("solution", "FBS")
    assert found("hvad med Aabenraa kommunes aftaler?") == [("municipality", "Aabenraa")]


def test_a_capitalised_genitive_is_the_place() -> None:
    assert found("Hvad er Vejles status?") == [("municipality", "Vejle")]
    assert found("hvornår gik Vejles borgere live på KY") == [
        ("municipality", "Vejle"),
        ("solution", "ky"),
    ]
    assert found("Nordjyllands kommuner") == [("region", "Nordjylland")]


# --- rule 2: typos -----------------------------------------------------------------------------


def test_a_typo_close_to_one_name_resolves_to_it_but_not_as_exact() -> None:
    (mention,) = INDEX.find("hvad mangler Silkborg?")
    assert mention.resolved is not None and mention.resolved.key == "Silkeborg"
    assert not mention.candidates[0].exact and 80 <= mention.candidates[0].score < 100
    looked_up = INDEX.lookup("Silkborg", "municipality")
    assert looked_up is not None and looked_up.resolved is not None
    assert looked_up.resolved.key == "Silkeborg"


def test_a_typo_close_to_two_names_asks_back() -> None:
    (mention,) = INDEX.find("Hvad mangler Vejlen at underskrive?")
    assert mention.ambiguous and mention.resolved is None
    assert {c.record.key for c in mention.candidates} == {"Vejle", "Vejen"}
    looked_up = INDEX.lookup("Vele", "municipality")
    assert looked_up is not None and looked_up.ambiguous
    assert {c.record.key for c in looked_up.candidates} == {"Vejle", "Vejen"}


def test_hoersolm_is_hoersholm_not_horsens() -> None:
    assert found("Har Hørsolm underskrevet?") == [("municipality", "Hørsholm")]
    mention = INDEX.lookup("Hørsolm", "municipality")
    assert mention is not None and mention.resolved is not None
    assert mention.resolved.key == "Hørsholm"


def test_a_name_that_is_no_municipality_finds_nothing() -> None:
    assert found("hvad med Frederikssværk?") == []
    assert INDEX.lookup("Frederikssværk", "municipality") is None
    assert INDEX.lookup("xyz", "municipality") is None
    assert INDEX.lookup("", "municipality") is None


def _mutations(name: str) -> Iterator[tuple[str, str]]:
    """Deterministic typos: drop each letter, swap neighbours, ASCII spellings, casing."""
    for i, char in enumerate(name):
        if char.isalpha():
            yield f"drop {i}", name[:i] + name[i + 1 :]
    for i in range(len(name) - 1):
        a, b = name[i], name[i + 1]
        if a.isalpha() and b.isalpha() and a != b:
            yield f"swap {i}", name[:i] + b + a + name[i + 2 :]
    for label, table in [
        ("ascii ø→o", {"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"}),
        ("ascii ø→oe", {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"}),
        ("ascii æ→a", {"æ": "a", "ø": "o", "å": "a", "Æ": "A", "Ø": "O", "Å": "A"}),
    ]:
        yield label, name.translate(str.maketrans(table))  # type: ignore[arg-type]
    yield "lower", name.lower()
    yield "upper", name.upper()


def _normal(text: str) -> str:
    return " ".join(skeleton(fold(word)) for word in text.replace("-", " ").split())


# A typo that is itself another municipality's name or alias must find that one (rule 1).
OWNER = {_normal(name): record.key for record in MUNICIPALITIES for name in record.names}


def _verdict(mention: Mention | None, meant: str) -> str:
    if mention is None:
        return "nothing"
    keys = {candidate.record.key for candidate in mention.candidates}
    if mention.resolved is not None:
        return "right" if mention.resolved.key == meant else f"WRONG {mention.resolved.key}"
    return "ask" if meant in keys else f"WRONG ask {sorted(keys)}"


@pytest.mark.parametrize("name", NAMES)
def test_mutated_names_never_resolve_to_a_wrong_municipality(name: str) -> None:
    wrong = []
    for how, typed in _mutations(name):
        meant = OWNER.get(_normal(typed), name)
        verdict = _verdict(INDEX.lookup(typed, "municipality"), meant)
        if verdict.startswith("WRONG"):
            wrong.append(f"lookup {typed!r} ({how}): {verdict}")
        mentions = INDEX.find(f"Hvilke aftaler mangler {typed} at underskrive?")
        if len(mentions) > 1:
            wrong.append(f"find {typed!r} ({how}): {len(mentions)} mentions")
        for mention in mentions:
            verdict = _verdict(mention, meant)
            if mention.kind != "municipality" or verdict.startswith("WRONG"):
                wrong.append(f"find {typed!r} ({how}): {mention.kind} {verdict}")
    assert not wrong, "\n".join(wrong)


def test_mutated_names_are_mostly_still_found() -> None:
    """Safety must not come from finding nothing: most typos still reach the right name."""
    verdicts: dict[str, int] = {}
    for name in NAMES:
        for _, typed in _mutations(name):
            verdict = _verdict(INDEX.lookup(typed, "municipality"), name)
            verdicts[verdict] = verdicts.get(verdict, 0) + 1
    total = sum(verdicts.values())
    assert total > 1500
    assert verdicts.get("right", 0) / total > 0.9
    assert verdicts.get("nothing", 0) / total < 0.05


@settings(
    derandomize=True,
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(NAMES),
    position=st.integers(min_value=0, max_value=40),
    letter=st.sampled_from("abcdefghijklmnopqrstuvwxyzæøå"),
    insert=st.booleans(),
)
def test_one_changed_or_added_letter_never_gives_a_wrong_municipality(
    name: str, position: int, letter: str, insert: bool
) -> None:
    i = position % (len(name) + (1 if insert else 0))
    typed = name[:i] + letter + name[i if insert else i + 1 :]
    meant = OWNER.get(_normal(typed), name)
    assert not _verdict(INDEX.lookup(typed, "municipality"), meant).startswith("WRONG")
    for mention in INDEX.find(f"Hvilke aftaler mangler {typed} at underskrive?"):
        assert mention.kind == "municipality"
        assert not _verdict(mention, meant).startswith("WRONG"), typed


# --- rule 3: no false positives in real questions ---------------------------------------------

CORPUS: list[tuple[str, list[Expected]]] = [
    # DOMAIN.md, "What they want from the bot", and the brief's examples
    ("Hvilke aftaler mangler Vejle at underskrive?", [("municipality", "Vejle")]),
    ("which agreements does Vejle still need to sign?", [("municipality", "Vejle")]),
    ("which agreements does vejle still need to sign", [("municipality", "Vejle")]),
    ("hvem mangler at underskrive tilslutningsaftalen om datastandarder?", []),
    ("Hvilke KLIK-opgaver har deadline i denne uge?", []),
    ("hvad skal vi nå før jul?", []),
    ("Hvem mangler at fuldføre K49?", [("task", "T000-07")]),
    ("hvem mangler K49?", [("task", "T000-07")]),
    ("status på ADG_0", [("task", "T002-07")]),
    ("hvad går A11 ud på?", [("task", ("T000-11", "T002-13"))]),
    ("hvilke KLIK-opgaver har SAPA?", [("solution", "sapa")]),
    ("hvad har deadline i denne uge?", []),
    ("what is due in December 2025?", []),
    ("Hvornår er næste frozen zone, og hvad kan vi ikke i den periode?", []),
    ("hvornår er næste frozen zone?", []),
    ("er vi i frozen zone nu?", []),
    ("Hvad er jeres opgaver fra sidste programledermøde?", []),
    ("hvem kan jeg spørge om VALG?", [("solution", "valg")]),
    ("hvornår gik Vejle live på KY?", [("municipality", "Vejle"), ("solution", "ky")]),
    ("hvilke kommuner var i bølge B3?", []),
    ("jeg er programleder i Vejle", [("municipality", "Vejle")]),
    ("hvad mangler vi?", []),
    ("hvad mangler os?", []),
    ("status on the FLIS data processing agreement", [("solution", "flis")]),
    ("Hvor enig/uenig er du i følgende udsagn?", []),
    ("Er du enig i, at løsningen vil skabe værdi for kommunen? Ja / Nej / Måske", []),
    # dates and numbers are not task codes
    ("hvilke opgaver har frist de næste 14 dage?", []),
    ("hvad slutter i uge 49?", []),
    ("Hvad skal vi nå inden den 15. december?", []),
    ("Primo dec eller medio/ultimo dec 2025?", []),
    ("deadline 05.12.25 – hvem mangler?", []),
    ("hvem mangler KLIK-opgave 03?", [("task", "T003-01")]),
    ("status på opgave 04 i ØiR", [("task", "T003-02"), ("solution", "øir")]),
    ("hvem har ikke fuldført MI 43?", [("task", "T000-03")]),
    ("hvad er PA 00?", [("task", "T000-17")]),
    ("hvilke opgaver har Rolle 4 i KLIK?", [("task", "T002-05"), ("solution", "klik")]),
    ("hvornår er K98-aftalen på plads?", [("agreement", "A002-27")]),
    # ordinary words that are also names
    ("Er der noget i vejen med KLIK?", [("solution", "klik")]),
    ("er der noget i vejen?", []),
    ("klik på linket i chatten", []),
    ("hvilket valg har vi?", []),
    ("hvem skal vælge en Reformansvarlig?", []),
    ("Hvornår skal vi bruge VALG-løsningen?", [("solution", "valg")]),
    ("an arena for discussion", []),
    ("what does ARENA mean?", [("solution", "arena")]),
    ("How does DOS work?", [("solution", "dos")]),
    ("hvem skal skrive under i Skive?", [("municipality", "Skive")]),
    ("hvordan går det i Lolland og Holland?", [("municipality", "Lolland")]),
    ("status on the tender for the new STS platform", [("solution", "sts")]),
    ("can you render the list in order?", []),
    ("hvad er umiddelbart status på data?", []),
    ("kan det fejle, eller er det værre end sidst?", []),
    ("der kommer breve i Digital Post", []),
    ("hvem har sp. om det?", []),
    ("hvem er ansvarlig for live-datoen under frozen zone?", []),
    # municipalities written every which way
    ("Hvilke aftaler mangler Københavns Kommune?", [("municipality", "København")]),
    ("har Kbh underskrevet?", [("municipality", "København")]),
    (
        "has Copenhagen signed the agreement for Aula?",
        [("municipality", "København"), ("solution", "aula")],
    ),
    ("status for Høje Taastrup", [("municipality", "Høje-Taastrup")]),
    ("hvad mangler hoeje-taastrup?", [("municipality", "Høje-Taastrup")]),
    ("Hvad mangler Åbenrå og Århus?", [("municipality", "Aabenraa"), ("municipality", "Aarhus")]),
    ("Bornholms Regionskommune mangler vel stadig?", [("municipality", "Bornholm")]),
    ("Hvilke opgaver har Vejle Kommune ikke fuldført?", [("municipality", "Vejle")]),
    ("hvad mangler Silkborg?", [("municipality", "Silkeborg")]),
    ("Hvad mangler Vejlen at underskrive?", [("municipality", ("Vejen", "Vejle"))]),
    ("which agreements does vejel still need to sign?", [("municipality", ("Vejen", "Vejle"))]),
    ("Har Hørsolm underskrevet?", [("municipality", "Hørsholm")]),
    ("hvad med Frederikssværk?", []),
    ("Is Vejen done with ADG_0?", [("municipality", "Vejen"), ("task", "T002-07")]),
    ("De næste 14 dage: hvad skal Vejen nå?", [("municipality", "Vejen")]),
    (
        "Hvad mangler Ikast-Brande og Ringkøbing-Skjern?",
        [("municipality", "Ikast-Brande"), ("municipality", "Ringkøbing-Skjern")],
    ),
    ("hvad mangler Lyngby?", [("municipality", "Lyngby-Taarbæk")]),
    (
        "Har Frederiksberg og Frederikssund underskrevet?",
        [("municipality", "Frederiksberg"), ("municipality", "Frederikssund")],
    ),
    (
        "Er Hørsholm og Horsens færdige?",
        [("municipality", "Hørsholm"), ("municipality", "Horsens")],
    ),
    (
        "Allerød, Hillerød, Nyborg og Viborg mangler",
        [
            ("municipality", "Allerød"),
            ("municipality", "Hillerød"),
            ("municipality", "Nyborg"),
            ("municipality", "Viborg"),
        ],
    ),
    ("hvad med Faxe og Fanø?", [("municipality", "Faxe"), ("municipality", "Fanø")]),
    (
        "Hvornår var Sønderborg og Tønder færdige?",
        [("municipality", "Sønderborg"), ("municipality", "Tønder")],
    ),
    ("Hvem i Odense kommune mangler FBS?", [("municipality", "Odense"), ("solution", "fbs")]),
    # regions
    ("hvilke kommuner i Region Nordjylland mangler?", [("region", "Nordjylland")]),
    (
        "status for Nordjylland og Region Hovedstaden",
        [("region", "Nordjylland"), ("region", "Hovedstaden")],
    ),
    ("hvem mangler i hovedstaden?", []),
    # solutions
    ("hvem er kontaktperson for Mit Sygefravær?", [("solution", "mit sygefravær")]),
    ("Hvornår lukker Serviceplatformen for ændringer?", [("solution", "sp")]),
    ("hvad sker der med Støttesystemerne i 2026?", [("solution", "sts")]),
    ("who can I ask about STS?", [("solution", "sts")]),
    ("hvad er status på Borgerblikket?", [("solution", "borgerblikket")]),
    ("hvad med BoB?", [("solution", "borgerblikket")]),
    ("er der nyt om NemRefusion 3.0?", [("solution", "nemrefusion")]),
    ("hvad er KP's deadline?", [("solution", "kp")]),
    ("status på FK OSS og Parathedsanalyse", [("solution", "fk oss"), ("task", "T000-17")]),
    ("hvem har ansvaret for KSD og KY?", [("solution", "ksd"), ("solution", "ky")]),
    ("hvad gør sapa og flis?", [("solution", "sapa"), ("solution", "flis")]),
    # contacts
    ("hvem er Peter Hansen?", [("contact", "PEHA@kombit.dk")]),
    ("skal jeg skrive til COA om reformen?", [("contact", "COA@kombit.dk")]),
    ("Tell me about Mette V. Poulsen", [("contact", "mvp@kombit.dk")]),
    ("skriv til valg@kombit.dk", [("contact", "valg@kombit.dk")]),
]


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 60
    assert sum(1 for _, expected in CORPUS if not expected) >= 20


@pytest.mark.parametrize(("question", "expected"), CORPUS, ids=[q for q, _ in CORPUS])
def test_questions_find_exactly_the_expected_mentions(
    question: str, expected: list[Expected]
) -> None:
    assert found(question) == expected


@pytest.mark.parametrize(("question", "expected"), CORPUS, ids=[q for q, _ in CORPUS])
def test_mentions_are_ordered_non_overlapping_spans_of_the_text(
    question: str, expected: list[Expected]
) -> None:
    end = 0
    for mention in INDEX.find(question):
        start, stop = mention.span
        assert end <= start < stop
        assert question[start:stop] == mention.text
        end = stop


ORDINARY_WORDS = [
    word
    for line in (
        "status under aftale frist uge live data hvem mangler næste",
        "i på vi os at er det den som har kan skal vil var med til for af om",
        "frozen zone deadline opgave kommune region programleder",
        # one edit from Tønder, Odder, Kolding, Randers, VALG, Middelfart …
        "tender order holding render runder hænder valgt vælge umiddelbart",
        # … and from Varde, Vejle, Greve, Køge
        "varme værre fejle breve konge",
    )
    for word in line.split()
]


@pytest.mark.parametrize("word", ORDINARY_WORDS)
def test_ordinary_words_are_never_entities(word: str) -> None:
    for written in (word, word.capitalize(), f"hvad med {word}?", f"hvad med {word.capitalize()}"):
        assert INDEX.find(written) == [], written


# --- codes, casing and kinds --------------------------------------------------------------------


def test_codes_match_as_whole_tokens_in_any_case() -> None:
    assert found("hvem mangler k49?") == [("task", "T000-07")]
    assert found("status på adg_0, ADG 0 og adg0") == [("task", "T002-07")] * 3
    assert found("hvem mangler MI43?") == [("task", "T000-03")]
    assert found("K490 og XK49") == []


def test_bare_numbers_are_task_codes_only_after_opgave() -> None:
    assert found("03 04 14 49") == []
    assert found("uge 04") == []
    assert found("task 04") == [("task", "T003-02")]
    mention = INDEX.lookup("03", "task")
    assert mention is not None and mention.resolved is not None
    assert mention.resolved.key == "T003-01"


def test_the_same_code_in_two_meetings_is_one_ambiguous_mention() -> None:
    (mention,) = INDEX.find("status på A11")
    assert mention.ambiguous and mention.resolved is None
    assert [c.record.key for c in mention.candidates] == ["T000-11", "T002-13"]
    assert all(c.exact for c in mention.candidates)


def test_two_letter_codes_and_initials_count_only_in_capitals() -> None:
    assert found("hvornår går KY live?") == [("solution", "ky")]
    assert found("hvornår går ky live?") == []
    assert found("hvad med SP og sp?") == [("solution", "sp")]
    assert found("hvad med KK?") == [("municipality", "København")]
    assert found("kan coa svare?") == []


def test_valg_is_the_solution_only_when_written_as_a_name() -> None:
    assert found("spørgsmål om VALG") == [("solution", "valg")]
    assert found("spørgsmål om Valg") == [("solution", "valg")]
    assert found("spørgsmål om valg") == []
    assert found("hvem har valgt det?") == []
    mention = INDEX.lookup("valg", "solution")
    assert mention is not None and mention.resolved is not None
    assert mention.resolved.key == "valg"


def test_klik_opgave_is_any_task_not_the_klik_project() -> None:
    assert found("hvilke KLIK-opgaver har SAPA?") == [("solution", "sapa")]
    assert found("KLIK opgave 03") == [("task", "T003-01")]
    assert found("hvordan logger jeg på KLIK?") == [("solution", "klik")]
    assert found("Klik her") == []


def test_vejen_in_lower_case_is_the_road_but_lookup_takes_it_as_the_name() -> None:
    assert found("hvad står i vejen for det?") == []
    assert found("hvad står i Vejen for det?") == [("municipality", "Vejen")]
    mention = INDEX.lookup("vejen", "municipality")
    assert mention is not None and mention.resolved is not None
    assert mention.resolved.key == "Vejen"


def test_agreement_titles() -> None:
    # A generic one-word title is a type of agreement in running text …
    assert found("hvem mangler Tilslutningsaftale?") == []
    # … and a real choice when asked for on its own.
    mention = INDEX.lookup("Tilslutningsaftale", "agreement")
    assert mention is not None and mention.ambiguous
    assert {c.record.key for c in mention.candidates} == {"A002-01", "A002-20", "A003-04"}
    (title,) = INDEX.find("status på Databehandleraftale - ny skabelon", ["agreement"])
    assert title.kind == "agreement" and len(title.candidates) > 5
    assert found("status på K98-serviceaftalen") == [("agreement", "A000-02")]


def test_kinds_restrict_what_is_found() -> None:
    text = "Har Vejle fuldført K49 for SAPA?"
    assert found(text, ["solution"]) == [("solution", "sapa")]
    assert found(text, ["municipality", "task"]) == [
        ("municipality", "Vejle"),
        ("task", "T000-07"),
    ]
    assert found("hvad mangler Silkborg?", ["solution"]) == []


def test_lookup_reads_a_name_with_a_little_around_it() -> None:
    mention = INDEX.lookup("Vejle, tak", "municipality")
    assert mention is not None and mention.resolved is not None
    assert mention.resolved.key == "Vejle"
    assert INDEX.lookup("Vejle og Vejen", "municipality") is None


def test_lookup_of_a_region_and_a_solution() -> None:
    region = INDEX.lookup("Region Syddanmark", "region")
    assert region is not None and region.resolved is not None
    assert region.resolved.key == "Syddanmark"
    solution = INDEX.lookup("Borgerblikkt", "solution")
    assert solution is not None and solution.resolved is not None
    assert solution.resolved.key == "borgerblikket"


# --- near names --------------------------------------------------------------------------------


def test_near_municipality_names_come_from_the_data() -> None:
    pairs = INDEX.near_names("municipality")
    for pair in [
        ("Vejen", "Vejle"),
        ("Allerød", "Hillerød"),
        ("Nyborg", "Viborg"),
        ("Fanø", "Faxe"),
        ("Horsens", "Hørsholm"),
        ("Frederiksberg", "Frederikssund"),
    ]:
        assert pair in pairs
    assert ("Vejle", "Aalborg") not in pairs
    assert all(a < b for a, b in pairs)
    assert pairs == sorted(set(pairs))
    assert 10 <= len(pairs) <= 60


def test_near_names_follow_the_records_given() -> None:
    def record(name: str) -> EntityRecord:
        return EntityRecord("municipality", name, name, (name,))

    index = EntityIndex([record("Vejle"), record("Lejle"), record("Odense")])
    assert index.near_names("municipality") == [("Lejle", "Vejle")]
    assert index.near_names("solution") == []
    assert EntityIndex([record("Vejle"), record("Odense")]).near_names("municipality") == []


# --- purity and speed --------------------------------------------------------------------------


def test_an_index_built_from_records_alone_works_without_any_data_files() -> None:
    index = EntityIndex(
        [
            EntityRecord("municipality", "Vejle", "Vejle", ("Vejle", "Vejle Kommune")),
            EntityRecord("solution", "sapa", "SAPA", ("SAPA",)),
        ]
    )
    assert [(m.kind, m.text) for m in index.find("Har Vejle Kommune SAPA?")] == [
        ("municipality", "Vejle Kommune"),
        ("solution", "SAPA"),
    ]
    assert index.find("") == [] and index.find("   ?! ") == []


def test_find_is_repeatable() -> None:
    question = "Hvad mangler Vejlen, Silkborg og Kbh i K49?"
    assert INDEX.find(question) == INDEX.find(question)


def test_find_is_fast_enough_to_be_unnoticeable() -> None:
    """A loose guard against pathological slowness; bench/entity_resolution.py measures."""
    questions = [question for question, _ in CORPUS]
    for question in questions:
        INDEX.find(question)
    timings = []
    for _ in range(5):
        for question in questions:
            started = time.perf_counter_ns()
            INDEX.find(question)
            timings.append(time.perf_counter_ns() - started)
    assert statistics.median(timings) < 1_000_000  # 1 ms; the target is 0.2 ms
