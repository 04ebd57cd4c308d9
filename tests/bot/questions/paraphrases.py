"""The generated paraphrase matrix: phrasings per topic × real entities × ways of writing.

Each topic has at least 40 phrasings (Danish and English, terse and polite); each phrasing is
filled with entities from the built-in data and written in one of several ways people type
(as written, lower case, without Danish letters, with one typo in an ordinary word), chosen
by a fixed rotation so the matrix is the same on every run. Confusable municipality pairs are
derived from the data (names two edits apart): the exact name must be answered about exactly
that municipality, and a typo one edit from both must be asked back.
"""

from __future__ import annotations

import csv
import itertools
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz.distance import OSA

from tests.bot.questions import Q

DATA = Path(__file__).resolve().parents[3] / "store" / "data"


@dataclass(frozen=True, slots=True)
class Agr:
    key: str
    da: str  # how a Danish programme leader names it
    en: str


@dataclass(frozen=True, slots=True)
class Phrasing:
    text: str  # with {m}, {a}, {t}, {s}, {w}, {topic}
    expect: str
    lang: str = "da"
    register: bool = False  # "vi"/"we": register a municipality first


MUNICIPALITIES = [
    "Vejle",
    "Vejen",
    "Høje-Taastrup",
    "København",
    "Aabenraa",
    "Aarhus",
    "Hillerød",
    "Allerød",
    "Nyborg",
    "Viborg",
    "Faxe",
    "Fanø",
    "Horsens",
    "Hørsholm",
    "Odense",
    "Lyngby-Taarbæk",
    "Ringkøbing-Skjern",
    "Frederiksberg",
    "Silkeborg",
    "Kolding",
    "Halsnæs",
    "Brønderslev",
]
AGREEMENTS = [
    Agr("A002-01", "tilslutningsaftalen om datastandarder", "data standards agreement"),
    Agr("A002-09", "FLIS-databehandleraftalen", "FLIS data processing agreement"),
    Agr("A002-11", "databehandleraftalen for KSD", "KSD data processing agreement"),
    Agr("A002-12", "databehandleraftalen for KY", "KY data processing agreement"),
    Agr("A002-20", "DUBU tilslutningsaftalen", "DUBU accession agreement"),
    Agr("A003-04", "tilslutningsaftalen for ARENA", "ARENA accession agreement"),
    Agr("A002-14", "NemRefusion databehandleraftale", "NemRefusion data processing agreement"),
    Agr("A002-06", "FBS databehandleraftalen", "FBS data processing agreement"),
]
TASKS = [
    ("T000-07", "K49"),
    ("T000-08", "K50"),
    ("T002-07", "ADG_0"),
    ("T000-12", "U10"),
    ("T000-17", "PA 00"),
    ("T000-03", "MI 43"),
    ("T000-18", "PA 01"),
    ("T002-05", "Rolle 4"),
]
SOLUTIONS = ["SAPA", "KY", "VALG", "FLIS", "Aula", "Borgerblikket", "FBS", "KSD"]
AGREEMENT_SOLUTIONS = ["SAPA", "KY", "VALG", "FLIS", "Aula", "Borgerblikket", "K98"]
ROLLOUT = ["Herning", "Ikast-Brande", "Gentofte", "Vejle", "Aarhus", "Lolland"]
WAVES = ["B3", "B1", "P1", "B5"]
CONTACTS = [  # (topic as asked, the address the answer must give)
    ("VALG", "valg@kombit.dk"),
    ("NemRefusion", "nemrefusion@kombit.dk"),
    ("Mit Sygefravær", "mitsygefravaer@kombit.dk"),
    ("Aula", "aula@kombit.dk"),
    ("driften af infrastrukturen", "drift@kombit.dk"),
]

P = Phrasing
TOPICS: dict[str, list[Phrasing]] = {
    "aftaler": [
        P("Hvilke aftaler mangler {m} at underskrive?", "agreements_of_municipality"),
        P("hvilke aftaler mangler {m}", "agreements_of_municipality"),
        P("aftaler {m}", "agreements_of_municipality"),
        P("Hvad mangler {m} at skrive under på?", "agreements_of_municipality"),
        P("Kan du vise {m}s aftaler?", "agreements_of_municipality"),
        P("Hej, hvilke aftaler har {m} ikke underskrevet endnu?", "agreements_of_municipality"),
        P("status på aftaler for {m}", "agreements_of_municipality"),
        P("Hvad er status på {m}s underskrifter?", "agreements_of_municipality"),
        P("which agreements does {m} still need to sign?", "agreements_of_municipality", "en"),
        P("agreements for {m}", "agreements_of_municipality", "en"),
        P("what has {m} not signed yet", "agreements_of_municipality", "en"),
        P("hvilke aftaler mangler vi at underskrive?", "agreements_of_municipality", register=True),
        P("Hvem mangler at underskrive {a}?", "agreement_signers"),
        P("hvem mangler {a}", "agreement_signers"),
        P("Hvilke kommuner har ikke skrevet under på {a}?", "agreement_signers"),
        P("Hvem har underskrevet {a}?", "agreement_signers"),
        P("hvilke kommuner har skrevet under på {a}", "agreement_signers"),
        P("Kan du fortælle mig, hvem der mangler {a}?", "agreement_signers"),
        P("who has not signed the {a}?", "agreement_signers", "en"),
        P("who signed the {a}", "agreement_signers", "en"),
        P("which municipalities are missing the {a}?", "agreement_signers", "en"),
        P("Hvor mange kommuner mangler at underskrive {a}?", "agreement_count"),
        P("hvor mange har underskrevet {a}", "agreement_count"),
        P("Antal kommuner der mangler {a}?", "agreement_count"),
        P("how many municipalities have signed the {a}?", "agreement_count", "en"),
        P("how many are still missing the {a}", "agreement_count", "en"),
        P("Har {m} underskrevet {a}?", "municipality_agreement_status"),
        P("har {m} skrevet under på {a}", "municipality_agreement_status"),
        P("Mangler {m} stadig {a}?", "municipality_agreement_status"),
        P("Er {a} underskrevet af {m}?", "municipality_agreement_status"),
        P("has {m} signed the {a}?", "municipality_agreement_status", "en"),
        P("did {m} sign the {a} yet", "municipality_agreement_status", "en"),
        P("Hvad er fristen for {a}?", "agreement_deadline"),
        P("hvornår skal {a} være underskrevet?", "agreement_deadline"),
        P("frist {a}", "agreement_deadline"),
        P("Hvornår er deadline for {a}?", "agreement_deadline"),
        P("when is the deadline for the {a}?", "agreement_deadline", "en"),
        P("what is the deadline of the {a}", "agreement_deadline", "en"),
        P("Hvilke aftaler er der for {s}?", "solution_agreements"),
        P("aftaler på {s}", "solution_agreements"),
        P("Hvilke aftaler hører til {s}?", "solution_agreements"),
        P("which agreements are there for {s}?", "solution_agreements", "en"),
    ],
    "opgaver": [
        P("Status på {t}", "task_status"),
        P("status {t}", "task_status"),
        P("Hvad går {t} ud på?", "task_status"),
        P("Hvad er {t}?", "task_status"),
        P("Fortæl mig om KLIK-opgaven {t}", "task_status"),
        P("hvornår er fristen for {t}?", "task_status"),
        P("Hvornår starter {t}?", "task_status"),
        P("Kan du give mig detaljerne om opgave {t}?", "task_status"),
        P("what is {t} about?", "task_status", "en"),
        P("status of {t}", "task_status", "en"),
        P("tell me about task {t}", "task_status", "en"),
        P("when is {t} due?", "task_status", "en"),
        P("Hvem mangler at fuldføre {t}?", "task_who"),
        P("hvem mangler {t}", "task_who"),
        P("Hvilke kommuner har ikke påbegyndt {t}?", "task_who"),
        P("hvor mange har fuldført {t}?", "task_who"),
        P("Hvem er færdige med {t}?", "task_who"),
        P("who has not completed {t}?", "task_who", "en"),
        P("how many municipalities finished {t}", "task_who", "en"),
        P("Hvilke KLIK-opgaver har {m}?", "municipality_tasks"),
        P("klik opgaver {m}", "municipality_tasks"),
        P("Hvilke opgaver har {m} i KLIK?", "municipality_tasks"),
        P("Hvad har {m} af KLIK-opgaver?", "municipality_tasks"),
        P("opgaver for {m}", "municipality_tasks"),
        P("Kan du vise mig {m}s KLIK-opgaver?", "municipality_tasks"),
        P("which KLIK tasks does {m} have?", "municipality_tasks", "en"),
        P("KLIK tasks for {m}", "municipality_tasks", "en"),
        P("what tasks does {m} have", "municipality_tasks", "en"),
        P("hvilke KLIK-opgaver har vi?", "municipality_tasks", register=True),
        P("hvad har vi af opgaver i KLIK", "municipality_tasks", register=True),
        P("what are our KLIK tasks?", "municipality_tasks", "en", register=True),
        P("Hvilke KLIK-opgaver har {s}?", "solution_tasks"),
        P("klik-opgaver {s}", "solution_tasks"),
        P("Hvilke opgaver er der på {s}?", "solution_tasks"),
        P("Hvad er der af KLIK-opgaver for {s}?", "solution_tasks"),
        P("opgaver i {s}", "solution_tasks"),
        P("Kan du liste {s}-opgaverne i KLIK?", "solution_tasks"),
        P("which KLIK tasks does {s} have?", "solution_tasks", "en"),
        P("tasks for {s}", "solution_tasks", "en"),
        P("list the {s} tasks", "solution_tasks", "en"),
    ],
    "frister": [
        P("Hvad har deadline i december 2025?", "deadlines"),
        P("frister i december 2025", "deadlines"),
        P("Hvilke frister er der i næste uge?", "deadlines"),
        P("hvad skal vi nå før jul?", "deadlines"),
        P("Hvilke KLIK-opgaver har deadline i denne uge?", "deadlines"),
        P("Hvad forfalder i januar 2026?", "deadlines"),
        P("deadlines næste måned", "deadlines"),
        P("Hvad skal være færdigt inden nytår?", "deadlines"),
        P("hvad har frist i uge 50", "deadlines"),
        P("Kommende frister?", "deadlines"),
        P("Hvilke frister har vi de næste 14 dage?", "deadlines"),
        P("hvad udløber i december", "deadlines"),
        P("Er der nogen deadlines i næste uge?", "deadlines"),
        P("Hvilke aftaler har frist i december 2025?", "deadlines"),
        P("Hvad skal afleveres i denne måned?", "deadlines"),
        P("frister resten af året", "deadlines"),
        P("Hej, hvilke deadlines nærmer sig?", "deadlines"),
        P("hvad har deadline i dag", "deadlines"),
        P("hvilke frister er der i uge 49", "deadlines"),
        P("Hvad skal vi have styr på inden 15. december?", "deadlines"),
        P("hvad har frist primo december", "deadlines"),
        P("Hvilke frister har {m} i december 2025?", "deadlines"),
        P("frister for {m} i december", "deadlines"),
        P("Hvad skal {m} nå før jul?", "deadlines"),
        P("hvad skal vi nå i december?", "deadlines", register=True),
        P("hvilke frister har vi i næste uge", "deadlines", register=True),
        P("What is due in December 2025?", "deadlines", "en"),
        P("which KLIK tasks are due this week?", "deadlines", "en"),
        P("deadlines next week", "deadlines", "en"),
        P("what's due next month?", "deadlines", "en"),
        P("upcoming deadlines", "deadlines", "en"),
        P("what do we have to finish before Christmas?", "deadlines", "en"),
        P("anything due in week 50?", "deadlines", "en"),
        P("which deadlines are in January 2026", "deadlines", "en"),
        P("what expires in December?", "deadlines", "en"),
        P("deadlines in the next 14 days", "deadlines", "en"),
        P("what is due today", "deadlines", "en"),
        P("what's due for {m} in December 2025?", "deadlines", "en"),
        P("deadlines for {m} next month", "deadlines", "en"),
        P("what is due before new year", "deadlines", "en"),
    ],
    "frozen": [
        P("Hvornår er næste frozen zone?", "frozen_next"),
        P("næste frozen zone", "frozen_next"),
        P("hvornår starter den næste frozen zone", "frozen_next"),
        P("Er der en frozen zone på vej?", "frozen_next"),
        P("Hvornår lukker Serviceplatformen for ændringer?", "frozen_next"),
        P("Hvornår er der servicevindue næste gang?", "frozen_next"),
        P("hvornår er der frozen zone i år", "frozen_next"),
        P("Kommer der snart en frozen zone?", "frozen_next"),
        P("frozen zone datoer", "frozen_next"),
        P("Hvornår er den kommende frozen zone på infrastrukturen?", "frozen_next"),
        P("hvornår slutter frozen zone", "frozen_next"),
        P("when is the next frozen zone?", "frozen_next", "en"),
        P("next frozen zone", "frozen_next", "en"),
        P("is there a frozen zone coming up?", "frozen_next", "en"),
        P("when does the next freeze start", "frozen_next", "en"),
        P("frozen zone dates please", "frozen_next", "en"),
        P("Er vi i frozen zone nu?", "frozen_now"),
        P("er vi i en frozen zone lige nu", "frozen_now"),
        P("Er der frozen zone i dag?", "frozen_now"),
        P("er det frozen zone nu", "frozen_now"),
        P("Kører der en frozen zone lige nu?", "frozen_now"),
        P("Er Serviceplatformen lukket nu?", "frozen_now"),
        P("are we in a frozen zone now?", "frozen_now", "en"),
        P("is there a frozen zone right now", "frozen_now", "en"),
        P("are we currently in a freeze?", "frozen_now", "en"),
        P("Hvad kan vi ikke i frozen zone?", "frozen_blocked"),
        P("hvad er lukket i frozen zone", "frozen_blocked"),
        P("Må vi trække rapporter under frozen zone?", "frozen_blocked"),
        P("Kan vi opdatere certifikater i frozen zone?", "frozen_blocked"),
        P("hvad må man ikke i en frozen zone", "frozen_blocked"),
        P("Hvilke begrænsninger er der i frozen zone?", "frozen_blocked"),
        P("Hvad bliver blokeret i frozen zone?", "frozen_blocked"),
        P("kan kommunen oprette serviceaftaler i frozen zone", "frozen_blocked"),
        P("Hvad skal vi gøre før frozen zone?", "frozen_blocked"),
        P("Kan vi administrere roller under frozen zone?", "frozen_blocked"),
        P("hvad er spærret i frozen zone?", "frozen_blocked"),
        P("what can't we do in a frozen zone?", "frozen_blocked", "en"),
        P("what is blocked during the frozen zone", "frozen_blocked", "en"),
        P("can we pull reports during a frozen zone?", "frozen_blocked", "en"),
        P("what is closed in a frozen zone?", "frozen_blocked", "en"),
        P("may we update certificates in the frozen zone", "frozen_blocked", "en"),
    ],
    "møder": [
        P("Hvornår er næste programledermøde?", "meeting_next"),
        P("næste møde", "meeting_next"),
        P("hvornår mødes vi næste gang", "meeting_next"),
        P("Hvornår er det næste møde for programledere?", "meeting_next"),
        P("hvornår er næste plm", "meeting_next"),
        P("when is the next programme leader meeting?", "meeting_next", "en"),
        P("next meeting", "meeting_next", "en"),
        P("Hvad skete der på sidste programledermøde?", "meeting_last"),
        P("sidste møde", "meeting_last"),
        P("Hvornår var det seneste programledermøde?", "meeting_last"),
        P("Hvad blev der talt om på det forrige møde?", "meeting_last"),
        P("hvornår var sidste møde", "meeting_last"),
        P("what happened at the last meeting?", "meeting_last", "en"),
        P("latest programme leader meeting", "meeting_last", "en"),
        P("Hvad er dagsordenen?", "meeting_agenda"),
        P("dagsorden for sidste møde", "meeting_agenda"),
        P("Hvad var på programmet ved seneste møde?", "meeting_agenda"),
        P("Hvilke punkter var der på sidste møde?", "meeting_agenda"),
        P("what was on the agenda of the last meeting?", "meeting_agenda", "en"),
        P("agenda last meeting", "meeting_agenda", "en"),
        P("Hvad er vores opgaver fra sidste møde?", "meeting_actions"),
        P("opgaver fra sidste møde", "meeting_actions"),
        P("Hvad skal vi gøre efter mødet?", "meeting_actions"),
        P("Hvilke opgaver fik vi på programledermødet?", "meeting_actions"),
        P("jeres opgaver fra seneste møde", "meeting_actions"),
        P("Hvad blev vi bedt om at gøre på sidste møde?", "meeting_actions"),
        P("hvad er to-do efter sidste programledermøde", "meeting_actions"),
        P("what are our tasks from the last meeting?", "meeting_actions", "en"),
        P("action items from the last meeting", "meeting_actions", "en"),
        P("what should we do after the meeting?", "meeting_actions", "en"),
        P("Hvad var dagsordenen for mødet i marts 2020?", "meeting_in_period"),
        P("mødet i september 2020", "meeting_in_period"),
        P("Hvor mange deltog i mødet i marts 2020?", "meeting_in_period"),
        P("Hvad handlede programledermødet i september 2020 om?", "meeting_in_period"),
        P("Hvilke opgaver fik vi på mødet i september 2020?", "meeting_in_period"),
        P("hvad skete der på mødet i marts 2020", "meeting_in_period"),
        P("Var der møde i marts 2020?", "meeting_in_period"),
        P("the meeting in March 2020", "meeting_in_period", "en"),
        P("what was on the agenda in September 2020?", "meeting_in_period", "en"),
        P("how many attended the meeting in March 2020?", "meeting_in_period", "en"),
        P("what happened at the September 2020 meeting", "meeting_in_period", "en"),
    ],
    "kontakter": [
        P("Hvem kan jeg spørge om {topic}?", "contact"),
        P("hvem skal jeg kontakte om {topic}", "contact"),
        P("Kontakt {topic}", "contact"),
        P("Hvem er kontaktperson for {topic}?", "contact"),
        P("hvem ved noget om {topic}", "contact"),
        P("Hvor kan jeg henvende mig om {topic}?", "contact"),
        P("Hvem skal vi skrive til om {topic}?", "contact"),
        P("Hvem er ansvarlig for {topic} hos KOMBIT?", "contact"),
        P("hvem kan vi ringe til om {topic}", "contact"),
        P("Har du en kontakt til {topic}?", "contact"),
        P("Hvem taler jeg med om {topic}?", "contact"),
        P("Hvilken mail skal jeg bruge til {topic}?", "contact"),
        P("kontaktperson {topic}", "contact"),
        P("Hej, hvem hos KOMBIT kan hjælpe med {topic}?", "contact"),
        P("hvem skal man spørge om {topic}", "contact"),
        P("Hvem henvender man sig til om {topic}?", "contact"),
        P("hvem kontakter jeg vedr. {topic}", "contact"),
        P("Jeg har et spørgsmål om {topic} – hvem skal jeg skrive til?", "contact"),
        P("hvem kan svare på spørgsmål om {topic}?", "contact"),
        P("Hvem er tovholder på {topic}?", "contact"),
        P("email til {topic}", "contact"),
        P("Hvad er mailadressen til {topic}?", "contact"),
        P("who can I ask about {topic}?", "contact", "en"),
        P("who should I contact about {topic}", "contact", "en"),
        P("contact for {topic}", "contact", "en"),
        P("who is responsible for {topic}?", "contact", "en"),
        P("who knows about {topic}", "contact", "en"),
        P("who do I write to about {topic}?", "contact", "en"),
        P("who can help with {topic}?", "contact", "en"),
        P("email address for {topic}", "contact", "en"),
        P("who is the contact person for {topic}?", "contact", "en"),
        P("who should we talk to about {topic}", "contact", "en"),
        P("I have a question about {topic}, who do I ask?", "contact", "en"),
        P("who's in charge of {topic}?", "contact", "en"),
        P("contact person {topic}", "contact", "en"),
        P("where can I get help with {topic}", "contact", "en"),
        P("hvem kan hjælpe os med {topic}", "contact"),
        P("Til hvem sender jeg spørgsmål om {topic}?", "contact"),
        P("hvem er kontakt på {topic}", "contact"),
        P("Hvem svarer på {topic}-spørgsmål?", "contact"),
    ],
    "udrulning": [
        P("Hvornår gik {m} live på KY?", "rollout_when"),
        P("hvornår kom {m} på KY", "rollout_when"),
        P("Hvilken bølge var {m} i?", "rollout_when"),
        P("hvornår startede {m} på KY?", "rollout_when"),
        P("Hvornår blev KY idriftsat i {m}?", "rollout_when"),
        P("go-live {m}", "rollout_when"),
        P("Hvornår gik {m} i drift med KY?", "rollout_when"),
        P("Hvornår overgik {m} til KY?", "rollout_when"),
        P("i hvilken bølge kom {m} på KY", "rollout_when"),
        P("Hvornår fik {m} KY?", "rollout_when"),
        P("Er {m} gået live på KY?", "rollout_when"),
        P("hvornår var {m}s go-live", "rollout_when"),
        P("Hvilken udrulningsbølge hørte {m} til?", "rollout_when"),
        P("Kan du sige hvornår {m} gik i luften med KY?", "rollout_when"),
        P("when did {m} go live on KY?", "rollout_when", "en"),
        P("which wave was {m} in?", "rollout_when", "en"),
        P("go-live date for {m}", "rollout_when", "en"),
        P("when did {m} start using KY", "rollout_when", "en"),
        P("when did {m} move to KY?", "rollout_when", "en"),
        P("has {m} gone live on KY?", "rollout_when", "en"),
        P("{m} go live", "rollout_when", "en"),
        P("hvornår gik vi live på KY?", "rollout_when", register=True),
        P("hvilken bølge var vi i", "rollout_when", register=True),
        P("when did we go live?", "rollout_when", "en", register=True),
        P("Hvilke kommuner var i bølge {w}?", "rollout_wave"),
        P("bølge {w}", "rollout_wave"),
        P("Hvem var med i bølge {w}?", "rollout_wave"),
        P("hvilke kommuner gik live i bølge {w}", "rollout_wave"),
        P("Hvornår gik bølge {w} live?", "rollout_wave"),
        P("Hvem er i KY bølge {w}?", "rollout_wave"),
        P("kommuner i bølge {w}", "rollout_wave"),
        P("Hvor mange kommuner var i bølge {w}?", "rollout_wave"),
        P("Hvad er bølge {w}?", "rollout_wave"),
        P("hvilke kommuner indgik i udrulningsbølge {w}", "rollout_wave"),
        P("which municipalities were in wave {w}?", "rollout_wave", "en"),
        P("wave {w} municipalities", "rollout_wave", "en"),
        P("who was in wave {w}", "rollout_wave", "en"),
        P("when did wave {w} go live?", "rollout_wave", "en"),
        P("how many municipalities were in wave {w}?", "rollout_wave", "en"),
        P("list wave {w}", "rollout_wave", "en"),
    ],
    "besøg": [
        P("Hvilke kommuner har KOMBIT besøgt?", "visits"),
        P("kommunebesøg", "visits"),
        P("Hvornår besøger KOMBIT {m}?", "visits"),
        P("Har KOMBIT været på besøg i {m}?", "visits"),
        P("besøg {m}", "visits"),
        P("Hvornår kommer KOMBIT på besøg hos {m}?", "visits"),
        P("Hvilke kommunebesøg er planlagt?", "visits"),
        P("Hvornår var KOMBIT sidst på besøg i {m}?", "visits"),
        P("Hvem har KOMBIT besøgt i år?", "visits"),
        P("hvornår har {m} besøg af KOMBIT", "visits"),
        P("Er der planlagt et besøg i {m}?", "visits"),
        P("Hvilke kommuner får besøg af KOMBIT?", "visits"),
        P("KOMBITs besøg hos direktionerne", "visits"),
        P("Hvor mange kommuner har KOMBIT besøgt?", "visits"),
        P("Har {m} haft kommunebesøg?", "visits"),
        P("hvornår var der kommunebesøg i {m}", "visits"),
        P("Kan du vise kommunebesøgene?", "visits"),
        P("hvilke besøg har KOMBIT planlagt", "visits"),
        P("Har I besøgt {m}?", "visits"),
        P("besøgsplan KOMBIT", "visits"),
        P("Hvornår kommer I på besøg hos os?", "visits", register=True),
        P("har vi haft besøg af KOMBIT", "visits", register=True),
        P("which municipalities has KOMBIT visited?", "visits", "en"),
        P("municipality visits", "visits", "en"),
        P("when is KOMBIT visiting {m}?", "visits", "en"),
        P("has KOMBIT visited {m}?", "visits", "en"),
        P("visits to {m}", "visits", "en"),
        P("which visits are planned?", "visits", "en"),
        P("when did KOMBIT visit {m}", "visits", "en"),
        P("how many municipalities have been visited?", "visits", "en"),
        P("is a visit planned in {m}?", "visits", "en"),
        P("KOMBIT visits to municipalities", "visits", "en"),
        P("has {m} had a visit from KOMBIT?", "visits", "en"),
        P("show the municipality visits", "visits", "en"),
        P("when will you visit us?", "visits", "en", register=True),
        P("visit plan", "visits", "en"),
        P("Hvornår besøgte I {m}?", "visits"),
        P("hvilke direktioner har KOMBIT besøgt", "visits"),
        P("Skal KOMBIT besøge {m}?", "visits"),
        P("besøg hos kommunerne", "visits"),
    ],
    "profil": [
        P("Jeg er programleder i {m}", "register"),
        P("jeg er fra {m}", "register"),
        P("Jeg arbejder i {m} Kommune", "register"),
        P("jeg er KOMBIT-programleder for {m}", "register"),
        P("Hej, jeg er programleder i {m}", "register"),
        P("jeg er ny programleder i {m}", "register"),
        P("Jeg er kontaktperson i {m}", "register"),
        P("skift til {m}", "register"),
        P("I am programme leader for {m}", "register", "en"),
        P("I'm from {m}", "register", "en"),
        P("I work for {m}", "register", "en"),
        P("i am the program leader in {m}", "register", "en"),
        P("hvem er jeg?", "whoami"),
        P("min profil", "whoami"),
        P("Hvilken kommune er jeg registreret i?", "whoami"),
        P("Hvem er jeg registreret som?", "whoami"),
        P("who am I?", "whoami", "en"),
        P("my profile", "whoami", "en"),
        P("which municipality am I registered for?", "whoami", "en"),
        P("glem mig", "forget_me"),
        P("Slet min profil", "forget_me"),
        P("Glem min kommune", "forget_me"),
        P("forget me", "forget_me", "en"),
        P("delete my profile", "forget_me", "en"),
        P("{m} har underskrevet {a}", "self_report"),
        P("Vi har underskrevet {a}", "self_report", register=True),
        P("vi har nu skrevet under på {a}", "self_report", register=True),
        P("{m} har skrevet under på {a}", "self_report"),
        P("Vi har fuldført {t}", "self_report", register=True),
        P("{m} har fuldført {t}", "self_report"),
        P("{t} er fuldført hos os", "self_report", register=True),
        P("Vi har påbegyndt {t}", "self_report", register=True),
        P("marker {t} som fuldført for {m}", "self_report"),
        P("{a} er underskrevet af {m}", "self_report"),
        P("We have signed the {a}", "self_report", "en", register=True),
        P("{m} has signed the {a}", "self_report", "en"),
        P("we have completed {t}", "self_report", "en", register=True),
        P("{m} has completed {t}", "self_report", "en"),
        P("mark {t} as completed for {m}", "self_report", "en"),
        P("we just signed the {a}", "self_report", "en", register=True),
    ],
}

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})
_PLAIN = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})
_WORD = re.compile(r"[^\W\d_]{6,}")


def _typo(text: str, protected: tuple[str, ...]) -> str:
    """Swap two letters inside the longest ordinary word (never inside a name)."""
    spans = [m.span() for p in protected if p for m in re.finditer(re.escape(p), text)]
    words = [m for m in _WORD.finditer(text) if not any(s <= m.start() < e for s, e in spans)]
    if not words:
        return text
    word = max(words, key=lambda m: (len(m.group()), -m.start()))
    i = word.start() + len(word.group()) // 2
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


WAYS = ("as written", "lower case", "no Danish letters", "one typo", "plain letters")


def written(text: str, way: str, protected: tuple[str, ...]) -> str:
    if way == "lower case":
        return text.casefold()
    if way == "no Danish letters":
        return text.translate(_DANISH)
    if way == "plain letters":
        return text.translate(_PLAIN).casefold()
    if way == "one typo":
        return _typo(text, protected)
    return text


def _fillings(phrasing: Phrasing, n: int) -> Iterator[tuple[str, dict[str, str], tuple[str, ...]]]:
    """``n`` fillings of a phrasing with entities, rotating through the lists."""
    en = phrasing.lang == "en"
    rotation = zlib.crc32(phrasing.text.encode()) % 7  # varies per phrasing, same every run
    for j in range(n):
        k = rotation + j * 3
        fields: dict[str, str] = {}
        slots: dict[str, str] = {}
        if "{m}" in phrasing.text:
            pool = ROLLOUT if phrasing.expect == "rollout_when" else MUNICIPALITIES
            slots["m"] = fields["municipality"] = pool[k % len(pool)]
        if "{a}" in phrasing.text:
            agreement = AGREEMENTS[k % len(AGREEMENTS)]
            slots["a"] = agreement.en if en else agreement.da
            fields["agreement"] = agreement.key
        if "{t}" in phrasing.text:
            key, code = TASKS[k % len(TASKS)]
            slots["t"], fields["task"] = code, key
        if "{s}" in phrasing.text:
            pool = AGREEMENT_SOLUTIONS if phrasing.expect == "solution_agreements" else SOLUTIONS
            slots["s"] = fields["solution"] = pool[k % len(pool)]
        if "{w}" in phrasing.text:
            slots["w"] = fields["wave"] = WAVES[k % len(WAVES)]
        if "{topic}" in phrasing.text:
            topic, address = CONTACTS[k % len(CONTACTS)]
            slots["topic"], fields["contact"] = topic, address
        text = phrasing.text.format(**slots)
        yield text, fields, tuple(slots.values())
        if not slots and j >= 0:
            return


def generated() -> dict[str, list[Q]]:
    """The matrix: every phrasing, filled twice where it has a slot, each written one way."""
    cases: dict[str, list[Q]] = {}
    ways = itertools.cycle(WAYS)
    for topic, phrasings in TOPICS.items():
        out: list[Q] = []
        for phrasing in phrasings:
            fillings = list(_fillings(phrasing, 2))
            if len(fillings) == 1:  # no entity: the same phrasing written two ways
                fillings = fillings * 2
            for text, fields, protected in fillings:
                way = next(ways)
                if phrasing.lang == "en" and way in ("no Danish letters", "plain letters"):
                    way = "lower case"
                register = fields.get("municipality") if phrasing.register else None
                if phrasing.register:
                    fields.pop("municipality", None)
                    register = MUNICIPALITIES[len(out) % len(MUNICIPALITIES)]
                q = Q(
                    written(text, way, protected),
                    phrasing.expect,
                    lang=phrasing.lang,
                    register=register,
                    **fields,  # type: ignore[arg-type]
                )
                if phrasing.register and phrasing.expect in (
                    "agreements_of_municipality",
                    "municipality_tasks",
                    "rollout_when",
                    "self_report",
                    "deadlines",
                    "visits",
                ):
                    q = replace(q, municipality=register)
                out.append(q)
        cases[topic] = _unique(out)
    cases["forvekslinger"] = confusables()
    return cases


def _unique(cases: list[Q]) -> list[Q]:
    seen: set[tuple[str, str | None]] = set()
    kept = []
    for case in cases:
        if (case.text, case.register) not in seen:
            seen.add((case.text, case.register))
            kept.append(case)
    return kept


def municipality_names() -> list[str]:
    with (DATA / "municipalities.csv").open(encoding="utf-8") as f:
        return [row["name"] for row in csv.DictReader(f)]


def confusables() -> list[Q]:
    """Near pairs from the data: exact names answer about that one; a typo between asks back."""
    names = municipality_names()
    folded = {n: n.casefold() for n in names}
    cases: list[Q] = []
    for a, b in itertools.combinations(names, 2):
        if OSA.distance(folded[a], folded[b]) > 2 or min(len(a), len(b)) < 4:
            continue
        cases.append(
            Q(f"hvilke aftaler mangler {a}?", "agreements_of_municipality", municipality=a)
        )
        cases.append(Q(f"klik-opgaver {b}", "municipality_tasks", municipality=b))
        middle = _between(folded[a], folded[b], set(folded.values()))
        if middle:
            others = [n for n in names if n not in (a, b)]
            if all(OSA.distance(middle, folded[o]) > 2 for o in others):
                cases.append(Q(f"aftaler {middle}", "ask_back", candidates=(a, b)))
    return cases


def _between(a: str, b: str, taken: set[str]) -> str | None:
    """A single edit of ``a`` that is one edit from ``b`` too (and no municipality's name)."""
    letters = sorted(set(a + b) - {" ", "-"})
    for i in range(len(a)):
        for letter in letters:
            candidate = a[:i] + letter + a[i + 1 :]
            if candidate != a and candidate not in taken and OSA.distance(candidate, b) == 1:
                return candidate
    return None
