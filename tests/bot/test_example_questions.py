"""The public example set: questions as programme leaders type them, and what the answer must say.

Every case goes through the whole path — a real Teams personal-chat payload POSTed to
/api/messages, the reply read at the mock Bot Connector — against the built-in data, with the
clock fixed at 25 November 2025 (just after the newest deck). A case names what the reply
must contain and what it must not (above all: never the wrong municipality).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.conftest import BotClient


@dataclass(frozen=True)
class Case:
    question: str
    contains: tuple[str, ...]
    absent: tuple[str, ...] = ()
    register: str | None = None  # say "jeg er programleder i <register>" first
    id: str = field(default="", compare=False)


MISSING_DA = "Mangler underskrift"
UNKNOWN_DA = "Status ukendt"
DATASTANDARD = "K-aftalen for datastandard service"

CASES: list[Case] = [
    # --- agreements a municipality still has to sign (Danish) ---
    Case(
        "Hvilke aftaler mangler Vejle at underskrive?",
        (
            "Aftaler – Vejle",
            MISSING_DA,
            DATASTANDARD,
            "15. december 2025",
            "Status opgjort 20.11.25",
        ),
        ("Vejen",),
    ),
    Case(
        "hvilke aftaler mangler vejle at underskrive", ("Aftaler – Vejle", MISSING_DA), ("Vejen",)
    ),
    Case(
        "Hvilke aftaler mangler Vejen at underskrive?", ("Aftaler – Vejen", MISSING_DA), ("Vejle",)
    ),
    Case("hvilke aftaler mangler Kbh at underskrive?", ("Aftaler – København", MISSING_DA)),
    Case("hvilke aftaler mangler københavns kommune at skrive under på?", ("Aftaler – København",)),
    Case(
        "Hvilke aftaler mangler Hoje Taastrup at underskrive?",
        ("Aftaler – Høje-Taastrup", MISSING_DA),
    ),
    Case("hvilke aftaler mangler Åbenrå at underskrive?", ("Aftaler – Aabenraa", MISSING_DA)),
    Case("hvilke aftaler mangler Aabenraa?", ("Aftaler – Aabenraa",)),
    Case("aftaler Århus mangler", ("Aftaler – Aarhus",)),
    Case(
        "Hvilke aftaler mangler Bornholms Regionskommune at underskrive?",
        ("Aftaler – Bornholm", MISSING_DA),
    ),
    Case("hvilke aftaler mangler Silkborg at underskrive?", ("Aftaler – Silkeborg",)),
    Case(
        "Hvilke aftaler mangler Halsnæs at underskrive?",
        ("Aftaler – Halsnæs", "Underskrevet", "udledt"),
        (MISSING_DA,),
    ),
    Case(
        "Hvilke aftaler mangler Kolding at underskrive?",
        ("Aftaler – Kolding", "underskrevet (udledt)"),
    ),
    Case("hvilke aftaler mangler Vejle", (UNKNOWN_DA, "FLIS", "5. december 2025")),
    Case("Hvilke aftaler mangler Hørsholm at underskrive?", ("Aftaler – Hørsholm",), ("Horsens",)),
    Case("Hvilke aftaler mangler Horsens at underskrive?", ("Aftaler – Horsens",), ("Hørsholm",)),
    Case(
        "Hvilke aftaler mangler Hillerød at underskrive?",
        ("Aftaler – Hillerød", "Underskrevet"),
        ("Allerød",),
    ),
    Case(
        "Hvilke aftaler mangler Allerød at underskrive?",
        ("Aftaler – Allerød", MISSING_DA),
        ("Hillerød",),
    ),
    Case("Hvilke aftaler mangler Faxe at underskrive?", ("Aftaler – Faxe",), ("Fanø",)),
    Case("Hvilke aftaler mangler Fanø at underskrive?", ("Aftaler – Fanø",), ("Faxe",)),
    Case("Hvilke aftaler mangler Nyborg at underskrive?", ("Aftaler – Nyborg",), ("Viborg",)),
    # --- English ---
    Case(
        "Which agreements does Vejle still need to sign?",
        ("Agreements – Vejle", "Signature missing", "15 December 2025"),
        ("Vejen",),
    ),
    Case("which agreements does vejle still need to sign", ("Agreements – Vejle",), ("Vejen",)),
    Case("what agreements is Copenhagen missing?", ("Agreements – København",)),
    Case("Which agreements has Odder not signed?", ("Agreements – Odder", "signed (derived)")),
    # --- ambiguous names are asked back, never guessed ---
    Case(
        "hvilke aftaler mangler Vejel at underskrive?",
        ("Mente du", "Vejle", "Vejen"),
        ("Aftaler –",),
    ),
    Case(
        "which agreements does vejel still need to sign?",
        ("Did you mean", "Vejle", "Vejen"),
        ("Agreements –",),
    ),
    Case(
        # one task announced at two meetings: one answer, both decks among its sources
        "hvad går A11 ud på?",
        (
            "SAPA A11 – Afdæk as-is og to-be",
            "udateret, efter 21.11.2025",
            "udateret, efter 27.08.2024",
        ),
        ("Mente du",),
    ),
    # --- who has (not) signed an agreement ---
    Case(
        "Hvem mangler at underskrive tilslutningsaftalen om datastandarder?",
        (
            "Mangler underskrift (83)",
            "Albertslund",
            "og 53 til",
            "Vis alle",
            "15 kommuner har underskrevet (udledt)",
            "15. december 2025",
            "Status opgjort 20.11.25",
        ),
    ),
    Case(
        "hvem mangler at underskrive tilslutningsaftalen om datastandarder vis alle",
        ("Mangler underskrift (83)", "Aabenraa", "Vejle", "Ærø"),
    ),
    Case(
        "hvem har underskrevet tilslutningsaftalen om datastandarder?",
        ("Underskrevet (15)", "Halsnæs", "Morsø", "udledt"),
        ("Mangler underskrift (83)",),
    ),
    Case("who has signed the data standards agreement?", ("Signed (15)", "Kolding", "derived")),
    Case("who has not signed the datastandarder agreement?", ("Signature missing (83)",)),
    Case(
        "hvem mangler at underskrive FLIS-databehandleraftalen?",
        ("FLIS", "Status ukendt", "ingen liste pr. kommune", "5. december 2025"),
    ),
    Case(
        "who still needs to sign the FLIS data processing agreement?",
        ("FLIS", "Status unknown", "no list per municipality", "5 December 2025"),
    ),
    Case(
        "hvilke aftaler har SAPA ude?",
        ("Aftaler – SAPA", "dataudvekslingsaftale" if False else "Databehandleraftale"),
    ),
    # --- KLIK tasks ---
    Case(
        "status på ADG_0",
        (
            "ADG_0",
            "Adgangsstyring",
            "15. december 2025",
            "19. oktober 2025",
            "Status pr. kommune kendes ikke",
        ),
    ),
    Case("Status på adg_0?", ("ADG_0", "15. december 2025")),
    Case("status of ADG_0", ("ADG_0", "Deadline 15 December 2025")),
    Case(
        "hvem mangler K49?",
        (
            "K49",
            "Status ukendt pr. kommune",
            "Frist var primo september 2024 (senest 10.09.2024) (overskredet)",
        ),
    ),
    Case("who is missing K49?", ("K49", "Status per municipality unknown")),
    Case("hvad går K51 ud på?", ("K51", "medio september 2024")),
    Case("status på MI 43", ("MI 43", "31. oktober 2024")),
    Case("hvem mangler opgaven 03?", ("03", "76 fuldført, 3 påbegyndt, 20 ikke påbegyndt")),
    Case("status på Brugerstyring 1", ("Brugerstyring 1", "3. november 2025")),
    Case("status på Rolle 4", ("Rolle 4", "9. januar 2026")),
    Case(
        "Hvilke KLIK-opgaver har SAPA?",
        ("KLIK-opgaver – SAPA", "medio/ultimo december 2025 (senest 31.12.2025)"),
    ),
    Case("hvilke klik opgaver har sapa", ("KLIK-opgaver – SAPA",)),
    Case("which KLIK tasks does SAPA have?", ("KLIK tasks – SAPA", "mid-to-late December 2025")),
    Case(
        "hvilke opgaver har Borgerblikket?",
        ("KLIK-opgaver – Borgerblikket", "ultimo januar 2026 (senest 31.01.2026)"),
    ),
    Case("hvilke KLIK-opgaver har BoB?", ("KLIK-opgaver – Borgerblikket",)),
    Case("hvilke KLIK-opgaver har VALG?", ("KLIK-opgaver – VALG", "1. december 2025")),
    Case("hvilke KLIK-opgaver har Vejle?", ("KLIK-opgaver – Vejle", "status ukendt", "ADG_0")),
    Case("which KLIK tasks are open for Vejle?", ("KLIK tasks – Vejle", "status unknown")),
    # --- deadlines in a period ---
    Case(
        "hvad har deadline i december 2025?",
        ("Frister i december 2025", "ADG_0", "FLIS", "15. december 2025"),
    ),
    Case("hvad har frist i december?", ("december 2025", "ADG_0")),
    Case(
        "what is due in December 2025?", ("Deadlines in December 2025", "ADG_0", "15 December 2025")
    ),
    Case("hvad har deadline i næste uge?", ("uge 49", "1. december 2025", "5. december 2025")),
    Case("what is due next week?", ("week 49", "1 December 2025")),
    Case("hvad har deadline i denne uge?", ("uge 48", "Ingen kendte frister i perioden")),
    Case("hvad har deadline i uge 51?", ("uge 51", "15. december 2025", "kan falde i perioden")),
    Case("hvad skal vi nå før jul?", ("før jul", "ADG_0", "15. december 2025")),
    Case("hvad har deadline i januar?", ("januar 2026", "ultimo januar 2026", "9. januar 2026")),
    Case("hvilke frister er der de næste 14 dage?", ("1. december 2025", "5. december 2025")),
    Case("what is due in the next 14 days?", ("1 December 2025",)),
    Case("hvad har deadline i marts 2024?", ("marts 2024", "Ingen kendte frister i perioden")),
    # --- frozen zones ---
    Case(
        "hvornår er næste frozen zone?",
        (
            "Næste frozen zone",
            "ingen kommende frozen zone med kendte datoer",
            "Støttesystemerne",
            "varsling kommer",
        ),
    ),
    Case(
        "When is the next frozen zone?",
        ("Next frozen zone", "no upcoming frozen zone", "Støttesystemerne"),
    ),
    Case("er vi i frozen zone nu?", ("Nej", "25.11.2025")),
    Case("are we in a frozen zone now?", ("No",)),
    Case(
        "hvad kan vi ikke i frozen zone?",
        (
            "IKKE",
            "oprette og administrere serviceaftaler",
            "trække rapporter",
            "Træk rapporter før",
        ),
    ),
    Case("hvad kan man ikke i frozen zonen", ("opdatere certifikater",)),
    Case(
        "what can't we do in a frozen zone?", ("can NOT", "oprette og administrere serviceaftaler")
    ),
    # --- meetings ---
    Case("hvornår er næste programledermøde?", ("Næste programledermøde", "15. december 2025")),
    Case("when is the next meeting?", ("Next programme-leader meeting", "15 December 2025")),
    Case(
        "hvad var på dagsordenen på sidste møde?",
        ("Seneste programledermøde", "udateret, efter 21.11.2025"),
    ),
    Case(
        "hvad er vores opgaver fra sidste møde?",
        ("Opgaver for jer fra sidste møde", "udateret, efter 21.11.2025"),
    ),
    Case("what are our tasks from the last meeting?", ("Your tasks from the last meeting",)),
    Case(
        "hvad er jeres opgaver fra sidste programledermøde?", ("Opgaver for jer fra sidste møde",)
    ),
    # --- contacts ---
    Case("hvem kan jeg spørge om VALG?", ("Kontakt – VALG", "valg@kombit.dk")),
    Case("Who can I ask about VALG?", ("Contact – VALG", "valg@kombit.dk")),
    Case("hvem kan jeg kontakte om Aula?", ("aula@kombit.dk",)),
    Case("hvem kan jeg spørge om NemRefusion?", ("nemrefusion@kombit.dk",)),
    Case("kontakt om Kontanthjælpsreformen", ("Kontanthjælpsreformen",)),
    # --- rollouts ---
    Case("hvornår gik Vejle live på KY?", ("Go-live – Vejle", "B3", "8. marts 2021"), ("Vejen ",)),
    Case("hvornår gik Herning live?", ("Herning", "8. juni 2020", "7. september 2020")),
    Case("when did Randers go live on KY?", ("Go-live – Randers", "7 September 2020")),
    Case(
        "hvilke kommuner var i bølge B3?",
        ("Bølge B3", "Kommuner (10)", "Vejle", "Vejen", "8. marts 2021"),
    ),
    Case("which municipalities were in wave B1?", ("Wave B1", "9 November 2020")),
    Case("hvilke kommuner var i bølge P2?", ("Lolland", "Randers", "Herning")),
    Case("hvilke kommuner var i bølge B9?", ("Jeg kender ingen bølge", "B3")),
    # --- who am I, and "vi" ---
    Case("hvem er jeg?", ("Jeg ved ikke, hvilken kommune du er fra",)),
    Case("hvad mangler vi?", ("Hvem er »vi«?",)),
    Case("jeg er programleder i Vejle", ("Noteret: du er programleder i Vejle",), ("Vejen",)),
    Case("I am programme leader for Vejen", ("Noted: you are programme leader for Vejen",)),
    Case("hvem er jeg?", ("programleder i Vejle",), register="Vejle"),
    Case("hvad mangler vi?", ("Aftaler – Vejle", MISSING_DA), ("Vejen",), register="Vejle"),
    Case("hvilke aftaler mangler vi at underskrive?", ("Aftaler – Kolding",), register="Kolding"),
    Case("what are we missing?", ("Agreements – Vejen",), register="Vejen"),
    Case("hvilke KLIK-opgaver har vi?", ("KLIK-opgaver – Vejle",), register="Vejle"),
    Case("hvornår gik vi live på KY?", ("Go-live – Vejle", "8. marts 2021"), register="Vejle"),
    Case("hvad skal vi nå før jul?", ("før jul", "Vejle"), register="Vejle"),
    Case("jeg er programleder i Vejel", ("Mente du", "Vejle", "Vejen"), ("Noteret",)),
    # --- the bot's own commands ---
    Case("hjælp", ("kombitbot – hjælp", "datastatus")),
    Case("Help", ("kombitbot – help",)),
    Case("datastatus", ("Datastatus", "20.11.25")),
    # --- out of scope: suggestions, never a bare "I don't understand" ---
    Case("hvad bliver vejret i morgen?", ("Det kan jeg ikke svare på", "hjælp")),
    Case("what's the weather like?", ("I cannot answer that", "help")),
    Case("asdfghjkl", ("Mente du",)),
    Case("Vejle", ("Aftaler – Vejle",), ("Vejen",)),
    Case("SAPA", ("KLIK-opgaver – SAPA",)),
    Case("x" * 2000, ("Mente du",)),
]


def _id(case: Case) -> str:
    return (case.register + ": " if case.register else "") + case.question[:60]


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
async def test_example_question(bot: BotClient, case: Case) -> None:
    if case.register:
        await bot.ask(f"jeg er programleder i {case.register}")
    reply = await bot.ask(case.question)
    for expected in case.contains:
        assert expected in reply, f"{expected!r} missing from the reply:\n{reply}"
    for unwanted in case.absent:
        assert unwanted not in reply, f"{unwanted!r} must not be in the reply:\n{reply}"


def test_the_example_set_is_large_enough() -> None:
    assert len(CASES) >= 100
