"""Which municipalities, regions, solutions, KLIK tasks, agreements and contacts a question names.

The product's promise is "never a confident wrong answer": guessing Vejen when the user meant
Vejle is worse than asking back, and so is asking back when the user typed "Vejle" exactly.
Hence, in this order:

1. Exact matches win and end the search. A name is compared after normalisation (case,
   punctuation, hyphen/space, å→aa, ø→oe, æ→ae and other diacritics stripped), then as a
   *skeleton* that also accepts the one-letter spellings (aa→a, oe→o, ae→a: "Abenra",
   "Arhus", "Horsholm"). A trailing "kommune" and a genitive "s" are dropped for
   municipalities ("Vejle Kommune", "Vejles"). Several records with the same name (SAPA's task
   A11 in two meetings) give one ambiguous mention with all of them.
2. Only words no exact match covers are compared fuzzily, with the optimal-string-alignment
   distance (a dropped, added, changed or swapped letter costs 1) between skeletons: at most
   one edit for words of 5–8 letters, two from 9 letters (a name typed on its own: one from 4
   letters, two from 8). A typo resolves only when every other record is at least two edits
   further away; otherwise the mention is ambiguous and lists the close ones ("Vejlen": Vejle
   or Vejen). Two neighbouring words are also tried as one ("Rinkøbing Skjern").
3. Ordinary words never become entities. Words in ``_ORDINARY`` (function words, the domain's
   own vocabulary, and the words of Danish and English word lists that would otherwise read as
   a name: "tender"→Tønder, "varme"→Varde) are never compared fuzzily. Names that *are*
   ordinary words need the user's capitals: "Vejen" and "VEJEN" are the municipality, "i
   vejen" is not; "VALG" or "Valg" is the solution, "valg" (election, choice) is not; "KLIK"
   is the solution, "klik" (click) and "KLIK-opgave" (any task) are not. Codes of one or two
   letters (KY, KP, SP, YR, KK) and contacts' initials (COA, RAV) count only in capitals.
   Codes with a letter and a digit (K49, ADG_0, MI 43, A11) match in any case, as whole
   tokens; a code that is a bare number (ØiR's "03", "04") only right after "opgave"/"task",
   so "uge 49" or "de næste 14 dage" name nothing. A one-word agreement title that is a type
   of agreement ("Tilslutningsaftale") matches only when typed on its own (``lookup``), which
   also ignores casing: after "jeg er programleder i", "vejen" is the municipality.

Everything is precomputed in ``EntityIndex.__init__`` from plain records; a call builds nothing
but its own answer, and the module keeps no state between calls.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Final, Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

__all__ = [
    "KINDS",
    "Candidate",
    "EntityIndex",
    "EntityKind",
    "EntityRecord",
    "Mention",
    "fold",
    "skeleton",
]

EntityKind = Literal["municipality", "region", "solution", "task", "agreement", "contact"]

# Also the priority when two kinds share a surface form: a place is likelier than a person.
KINDS: Final[tuple[EntityKind, ...]] = (
    "municipality",
    "region",
    "solution",
    "task",
    "agreement",
    "contact",
)
_PRIORITY: Final = {kind: rank for rank, kind in enumerate(KINDS)}

# Kinds whose names are compared fuzzily. Task and agreement titles are long, generic phrases
# and are found by their codes or exact titles instead.
_FUZZY_KINDS: Final = frozenset({"municipality", "region", "solution", "contact"})


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """One thing the bot can talk about, with every surface form that should find it."""

    kind: EntityKind
    key: str
    display: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A record a piece of text may mean; ``exact`` says no letter had to be guessed."""

    record: EntityRecord
    matched: str
    score: float
    exact: bool


@dataclass(frozen=True, slots=True)
class Mention:
    """Words of a question that name a record of ``kind``: one (resolved) or several (ask)."""

    kind: EntityKind
    text: str
    span: tuple[int, int]
    candidates: tuple[Candidate, ...]

    @property
    def resolved(self) -> EntityRecord | None:
        """The record meant, when exactly one is plausible; otherwise ``None``."""
        return self.candidates[0].record if len(self.candidates) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """Two or more records are plausible: the bot must ask back, not pick one."""
        return len(self.candidates) >= 2


# --- normalisation ----------------------------------------------------------------------------

_FOLD: Final = str.maketrans({"å": "aa", "ø": "oe", "æ": "ae", "ä": "ae", "ö": "oe", "ß": "ss"})
# Letters and digits; combining marks stay inside a word so decomposed input tokenises as typed.
_TOKEN: Final = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")


def fold(text: str) -> str:
    """Case- and diacritics-insensitive form: "Åbenrå" → "aabenraa", "Hørsholm" → "hoersholm"."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_FOLD)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def skeleton(folded: str) -> str:
    """A folded word with Danish letters written as one: "aabenraa" → "abenra" ("Abenra")."""
    return folded.replace("aa", "a").replace("oe", "o").replace("ae", "a")


def _words(text: str) -> list[str]:
    return [fold(word) for word in _TOKEN.findall(text)]


def _ordinary(*groups: str) -> frozenset[str]:
    return frozenset(fold(word) for group in groups for word in group.split())


# Ordinary words: never compared fuzzily, and a name equal to one needs the user's capitals.
_ORDINARY: Final = _ordinary(
    # Danish function words and question words
    """i på af til for med om fra ved hos efter før inden under over mellem uden mod gennem
    siden indtil og eller men at som der det den de dem denne dette disse en et ene jeg du han
    hun vi os jer jeres vores vor min mit mine din dit dine sin sit sine hans hendes deres man
    mig dig sig er var være været bliver blev blive har havde haft have kan kunne skal skulle
    vil ville må måtte bør burde gør gøre gjort gjorde får få fået går gå gik gået kommer komme
    kom hvem hvad hvilke hvilken hvilket hvornår hvor hvordan hvorfor hvis ikke nu så da også
    kun mere mest flere alle alt andre anden andet nogen noget nogle ingen intet hver hvert helt
    lige meget godt ja nej måske tak hej venligst gerne her dag dage dagen uge ugen uger ugens
    måned måneden måneder år året idag morgen jul julen nytår næste sidste forrige kommende
    seneste først første snart endnu stadig allerede igen hele hel ny nye nyt gamle gammel
    januar februar marts april maj juni juli august september oktober november december
    mandag tirsdag onsdag torsdag fredag lørdag søndag primo medio ultimo""",
    # English function words and question words
    """the a an of to in on at for with from by about and or but not no yes is are was were be
    been being do does did done have has had will would shall should can could may might must
    need needs still yet already what which who whom whose when where why how this that these
    those it its we us our you your they them their me my he she his her all any some none
    every each next last previous week weeks month months year years today tomorrow due please
    thanks thank hi hello new old there here than then just only also into before after until
    since january february march may june july october december monday tuesday wednesday
    thursday friday saturday sunday""",
    # the domain's own words (DOMAIN.md and the questions programme leaders type)
    """status statussen oversigt liste vis viser vise find hjælp help mangler mangle manglende
    underskrive underskriv underskrevet underskrift underskrifter skrive skriver skriv skrevet
    skrevne signere signeret sign signed signature signatures fuldført fuldførte fuldføre
    fuldføres påbegyndt færdig færdige live golive data aftale aftalen aftaler aftalerne
    tilslutningsaftale tilslutningsaftalen tilslutningsaftaler tilslutningsaftalerne
    databehandleraftale databehandleraftalen databehandleraftaler databehandleraftalerne
    dataudvekslingsaftale dataudvekslingsaftalen dataudvekslingsaftaler serviceaftale
    serviceaftalen agreement agreements opgave opgaven opgaver opgaverne klikopgave klikopgaven
    klikopgaver task tasks kommune kommunen kommuner kommunerne kommunes kommunens municipality
    municipalities region regionen regioner regions programleder programledere programlederen
    programledermøde programledermødet programme program leader leaders møde mødet møder meeting
    meetings frozen zone zonen zones deadline deadlines frist fristen frister slutdato startdato
    dato datoen periode perioden bølge bølgen wave løsning løsningen løsninger solution
    solutions projekt projektet projekter project system systemet systemansvarlig
    systemansvarlige spørge spørgsmål svar kontakt kontakte kontaktperson ansvarlig ansvarlige
    ansvaret ansvar obligatorisk obligatoriske skabelon bilag version udsendt sendt sendes
    modtaget enig uenig værdi complete completed open processing jeres vores klik valg valget
    arena vejen vejens mors bom bob hovedstaden""",
    # Words the rules below would read as a name: every entry of Debian's wdanish and wamerican
    # word lists that ``find`` turned into a mention, less the names' own derived forms
    # ("københavner", "bornholmsk") and genitives ("Vejles"), plus "skive" and "koge"
    """adder addér aksens alhus asens asiens askens aspens assent assents assers asses assess
    assets bander banders barde bassens bejle brander branderts brandyers breve brænder
    brænderes brænderis brænders bånder bønder børneorms børsens dander dense dodder drager
    dragon edder essens fareso faxed faxen faxer fejle fejre fists fodder foists folding
    fonder frists frænder frænders fures færde fødder gander ganders garde gassens gejle
    gerning grander granders grave grebe greje grene greven grever grieve grove gråænders
    gårde gærde hedning hegning hejre herding hering herring hersens hirsens holding holland
    hordens horses hosens hvervning hvidevare hårde hænder hænders hærde hørelsens irlænders
    isbjerg issens jammerligt kander kanders kassens kloge koge koger koges kogge kogle kogt
    kogte konge korso kroge krøge kårde køling kølning lander landers langemand langemands
    lasso lassoe lejde leje lejer lejere lejren lejrer lejret lejrs levre lodder lowland
    lænder lænders lærde mander massens middelbar middelbart molding morse morsom møgso nødder
    odden oddere oddes odens older olding onder order orders pander panders pejle ponder
    porsens rader raders raider raiders rande randen randens randes randet randier raner
    ranger rangers ranker rankers ranter rebind rebuild render renders rinder runder runders
    rwander rwanderes rwanders råder rådner råhus rænker rænkers rødder sambo sander sanders
    sejle sejre sildebord silkefors skattesystemerne skive skiven skiver skoldning skrive
    skruer skøge slangeløse slappelse slækkelse soloed sonder sorte sorter spægelse spægelsen
    spægelser stavns steins stens sterns stevs struber strøer stuer stævns sønder sønderbomb
    tander tanders tender tenders terning thirsted tinder tingsted tingsteds tolder toner
    tonier torso truer twisted tynder tænder tænders tønde tønden tøndes udder umiddelbart
    valgt valgte vande vander vare varede varen varer varme varpe varte veje vejene vejer
    vejes vejet vejre volding vorde vånde vånder vædde vædre vælde vælge vælger værge værke
    værne værre wander wanders wonder worsens yonder ånder ånders ænder ænders æskens ødende
    ølejre""",
)

_KOMMUNE: Final = frozenset({"kommune", "kommunes", "kommunen", "regionskommune"})
# A bare number is a task code only right after one of these ("KLIK-opgave 03").
_TASK_CUES: Final = frozenset(
    {"opgave", "opgaven", "opgaver", "opgaverne", "klikopgave", "klikopgaven", "task", "tasks"}
)


class _Guard(IntEnum):
    """When a one-word name may match in running text."""

    OPEN = 0  # in any casing
    TITLE = 1  # the name is an ordinary word too: capitalised or in capitals
    CAPS = 2  # a short code, initials, or an ordinary word written as a code: capitals only
    CUED = 3  # a bare number: only right after "opgave"/"task"
    LOOKUP = 4  # a generic word (an agreement type): only when typed on its own


@dataclass(frozen=True, slots=True)
class _Form:
    """One surface form of one record, normalised once."""

    record: EntityRecord
    order: int
    surface: str
    key: str  # folded words joined by one space
    skel: str  # skeleton of ``key``
    joined: str  # skeleton without spaces, what fuzzy matching compares
    guard: _Guard


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    raw: str
    folded: str
    skel: str


def _guard(kind: EntityKind, key: str, surfaces: Sequence[str]) -> _Guard:
    if " " in key:
        return _Guard.OPEN
    if key.isdigit():
        return _Guard.CUED
    if key.isalpha() and len(key) <= 2:
        return _Guard.CAPS
    capitals = all(surface.isupper() for surface in surfaces)
    if kind == "contact" and capitals:
        return _Guard.CAPS
    if key in _ORDINARY:
        if kind in ("task", "agreement"):
            return _Guard.LOOKUP
        return _Guard.CAPS if capitals else _Guard.TITLE
    return _Guard.OPEN


def _is_code(key: str, surfaces: Sequence[str]) -> bool:
    """Codes and acronyms (K49, SAPA, RKSK, Kbh) are matched exactly, never fuzzily."""
    compact = key.replace(" ", "")
    if len(compact) < 4 or any(char.isdigit() for char in compact):
        return True
    return len(compact) <= 5 and all(surface.isupper() for surface in surfaces)


def _allowed(form: _Form, token: _Token, via_skeleton: bool, previous: str) -> bool:
    """May this one-word form match this token of running text?"""
    guard = form.guard
    if guard is _Guard.OPEN:
        return not (via_skeleton and token.folded in _ORDINARY)
    if guard is _Guard.TITLE:
        return not via_skeleton and (token.raw[:1].isupper() or token.raw.isupper())
    if guard is _Guard.CAPS:
        return len(token.raw) >= 2 and token.raw.isupper()
    if guard is _Guard.CUED:
        return previous in _TASK_CUES
    return False


def _max_edits(length: int, *, alone: bool) -> int:
    """How many letters a typo may get wrong: more in long words and in a name typed alone."""
    if alone:
        if length < 4:
            return 0
        if length < 8:
            return 1
        return 2 if length < 16 else min(length // 8, 4)
    if length < 5:
        return 0
    return 1 if length < 9 else 2


def _score(distance: int, query: str, choice: str) -> float:
    return round(100.0 * (1.0 - distance / max(len(query), len(choice), 1)), 1)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        folded = fold(match.group())
        tokens.append(_Token(match.start(), match.end(), match.group(), folded, skeleton(folded)))
    return tokens


class EntityIndex:
    """Finds and resolves entity names in questions; built once per data change, then read-only."""

    def __init__(self, records: Iterable[EntityRecord]) -> None:
        by_key: dict[str, list[_Form]] = {}
        by_skel: dict[str, list[_Form]] = {}
        by_compact: dict[str, list[_Form]] = {}
        lengths: dict[str, set[int]] = {}
        fuzzy_choices: list[str] = []
        fuzzy_forms: list[_Form] = []
        alone_choices: dict[EntityKind, tuple[list[str], list[_Form]]] = {
            kind: ([], []) for kind in KINDS
        }
        title_words: set[str] = set()
        self._records: tuple[EntityRecord, ...] = tuple(records)
        for order, record in enumerate(self._records):
            surfaces: dict[str, list[str]] = {}
            for name in record.names:
                key = " ".join(_words(name))
                if key:
                    surfaces.setdefault(key, []).append(name.strip())
            for key, written in surfaces.items():
                skel = " ".join(skeleton(word) for word in key.split())
                code = _is_code(key, written)
                form = _Form(
                    record=record,
                    order=order,
                    surface=written[0],
                    key=key,
                    skel=skel,
                    joined=skel.replace(" ", ""),
                    guard=_guard(record.kind, key, written),
                )
                by_key.setdefault(key, []).append(form)
                by_skel.setdefault(skel, []).append(form)
                words = key.split()
                lengths.setdefault(skeleton(words[0]), set()).add(len(words))
                if len(words) > 1:
                    by_compact.setdefault(key.replace(" ", ""), []).append(form)
                    if record.kind in ("task", "agreement"):
                        title_words.update(words)
                if not code:
                    alone_choices[record.kind][0].append(form.joined)
                    alone_choices[record.kind][1].append(form)
                    # "Vejle Kommune" is found as "Vejle" followed by "kommune".
                    if record.kind in _FUZZY_KINDS and words[-1] not in _KOMMUNE:
                        fuzzy_choices.append(form.joined)
                        fuzzy_forms.append(form)
        self._by_key = {key: tuple(forms) for key, forms in by_key.items()}
        self._by_skel = {key: tuple(forms) for key, forms in by_skel.items()}
        self._by_compact = {key: tuple(forms) for key, forms in by_compact.items()}
        self._lengths = {word: tuple(sorted(ns, reverse=True)) for word, ns in lengths.items()}
        self._fuzzy_choices = tuple(fuzzy_choices)
        self._fuzzy_forms = tuple(fuzzy_forms)
        self._alone_choices = {
            kind: (tuple(choices), tuple(forms)) for kind, (choices, forms) in alone_choices.items()
        }
        # Words of task and agreement titles are ordinary Danish ("opret", "visning"): a user
        # typing one means the word, not a misspelt municipality.
        single = {form.key for forms in self._by_key.values() for form in forms}
        self._plain_words = frozenset(title_words - single)
        self._near = {kind: self._near_pairs(kind) for kind in KINDS}

    # --- public API -------------------------------------------------------------------------

    def find(self, text: str, kinds: Collection[EntityKind] | None = None) -> list[Mention]:
        """All entity mentions in a question, non-overlapping, in text order."""
        wanted = frozenset(KINDS if kinds is None else kinds)
        tokens = _tokens(text)
        mentions: list[Mention] = []
        covered = [False] * len(tokens)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if (
                token.folded == "klik"
                and i + 1 < len(tokens)
                and tokens[i + 1].folded.startswith("opgave")
            ):
                # "KLIK-opgave" is the word for any task, not the KLIK project.
                covered[i] = covered[i + 1] = True
                i += 2
                continue
            found = self._exact_at(tokens, i, wanted)
            if found is None:
                i += 1
                continue
            count, forms = found
            count = self._with_kommune(tokens, i, count, forms[0].record.kind)
            for j in range(i, i + count):
                covered[j] = True
            mentions.append(self._mention(text, tokens, i, count, _exact(forms)))
            i += count
        if any(kind in _FUZZY_KINDS for kind in wanted):
            mentions.extend(self._fuzzy_mentions(text, tokens, covered, wanted))
            mentions.sort(key=lambda mention: mention.span)
        return mentions

    def names_exactly(self, word: str, kind: EntityKind) -> bool:
        """``word``, in any case, is a name of a record of ``kind`` as written (no typo)."""
        return bool(self._filter(self._by_key.get(fold(word), ()), frozenset({kind})))

    def lookup(self, name: str, kind: EntityKind) -> Mention | None:
        """Resolve one name typed on its own (e.g. after "jeg er programleder i …")."""
        tokens = _tokens(name)
        if not tokens:
            return None
        wanted = frozenset({kind})
        count = len(tokens)
        if kind == "municipality" and count > 1 and tokens[-1].folded in _KOMMUNE:
            count -= 1
        key = " ".join(token.folded for token in tokens[:count])
        forms = self._filter(self._by_key.get(key, ()), wanted)
        if not forms:
            skel = " ".join(token.skel for token in tokens[:count])
            forms = self._filter(self._by_skel.get(skel, ()), wanted)
        if not forms:
            forms = self._filter(self._by_compact.get(key.replace(" ", ""), ()), wanted)
        if not forms and count == 1 and kind in ("municipality", "region"):
            forms = self._genitive(tokens[0], wanted, guarded=False)
        if forms:
            return self._mention(name, tokens, 0, len(tokens), _exact(forms))
        choices, choice_forms = self._alone_choices[kind]
        query = "".join(token.skel for token in tokens[:count])
        candidates = _fuzzy(query, choices, choice_forms, _max_edits(len(query), alone=True))
        if candidates:
            return self._mention(name, tokens, 0, len(tokens), candidates)
        found = self.find(name, wanted)
        return found[0] if len(found) == 1 else None

    def near_names(self, kind: EntityKind) -> list[tuple[str, str]]:
        """Pairs of names of ``kind`` that are easy to confuse, derived from the data.

        Two different primary names (``names[0]``) are near when they are at most two edits
        apart (one for names of three letters or fewer) with or without diacritics (Vejle/Vejen,
        Faxe/Fanø), or look alike at a glance: the same first four letters (diacritics folded)
        making up half the shorter name, or followed closely enough for a Jaro-Winkler
        similarity of 0.85 (Hørsholm/Horsens, Frederiksberg/Frederikssund, Fredensborg/
        Frederiksberg). Pairs are sorted, each in alphabetical order.
        """
        return list(self._near[kind])

    # --- exact matching ---------------------------------------------------------------------

    def _exact_at(
        self, tokens: Sequence[_Token], i: int, wanted: frozenset[EntityKind]
    ) -> tuple[int, tuple[_Form, ...]] | None:
        """The longest exact match starting at token ``i``: (tokens covered, forms)."""
        token = tokens[i]
        previous = tokens[i - 1].folded if i else ""
        for count in self._lengths.get(token.skel, ()):
            if i + count > len(tokens):
                continue
            window = tokens[i : i + count]
            via_skeleton = False
            forms = self._filter(self._by_key.get(" ".join(t.folded for t in window), ()), wanted)
            if not forms:
                via_skeleton = True
                skel = " ".join(t.skel for t in window)
                forms = self._filter(self._by_skel.get(skel, ()), wanted)
            if count == 1:
                forms = tuple(f for f in forms if _allowed(f, token, via_skeleton, previous))
            if forms:
                return count, forms
        if token.folded in _ORDINARY:
            return None
        forms = self._filter(self._by_compact.get(token.folded, ()), wanted)
        if forms:
            return 1, forms
        if not token.raw[:1].isupper():
            return None  # "faxes", "tønders": lower-case genitives are mostly ordinary words
        forms = self._genitive(token, wanted, guarded=True)
        return (1, forms) if forms else None

    def _genitive(
        self, token: _Token, wanted: frozenset[EntityKind], *, guarded: bool
    ) -> tuple[_Form, ...]:
        """ "Vejles", "Nordjyllands": a place name with a genitive s."""
        if len(token.folded) < 4 or not token.folded.endswith("s"):
            return ()
        stem = token.folded[:-1]
        forms = tuple(
            form
            for form in self._filter(self._by_key.get(stem, ()), wanted)
            if form.record.kind in ("municipality", "region")
        )
        if guarded:
            forms = tuple(form for form in forms if _allowed(form, token, False, ""))
        return forms

    def _with_kommune(self, tokens: Sequence[_Token], i: int, count: int, kind: EntityKind) -> int:
        """Take a following "kommune" into a municipality mention ("Kbh kommune")."""
        end = i + count
        if kind == "municipality" and end < len(tokens) and tokens[end].folded in _KOMMUNE:
            return count + 1
        return count

    @staticmethod
    def _filter(forms: Iterable[_Form], wanted: frozenset[EntityKind]) -> tuple[_Form, ...]:
        return tuple(form for form in forms if form.record.kind in wanted)

    # --- fuzzy matching ---------------------------------------------------------------------

    def _fuzzy_mentions(
        self,
        text: str,
        tokens: Sequence[_Token],
        covered: Sequence[bool],
        wanted: frozenset[EntityKind],
    ) -> list[Mention]:
        """Typos among the words no exact match covers: two-word names first, then one word."""
        mentions: list[Mention] = []
        usable = [not covered[i] and self._fuzzable(tokens[i]) for i in range(len(tokens))]
        for i in range(1, len(tokens)):
            # "Ikast-rande": the rest of a hyphenated name already found is not a name of its own.
            if text[tokens[i - 1].end : tokens[i].start] == "-":
                if covered[i - 1]:
                    usable[i] = False
                if covered[i]:
                    usable[i - 1] = False
        i = 0
        while i < len(tokens):
            if not usable[i]:
                i += 1
                continue
            token = tokens[i]
            found: tuple[Candidate, ...] = ()
            count = 2
            if i + 1 < len(tokens) and usable[i + 1]:
                found = self._fuzzy_find(token.skel + tokens[i + 1].skel, token, wanted)
            if not found:
                found, count = self._fuzzy_find(token.skel, token, wanted), 1
            if found:
                count = self._with_kommune(tokens, i, count, found[0].record.kind)
                mentions.append(self._mention(text, tokens, i, count, found))
                i += count
            else:
                i += 1
        return mentions

    def _fuzzable(self, token: _Token) -> bool:
        folded = token.folded
        return (
            folded.isalpha()
            and len(token.skel) >= 3
            and folded not in _ORDINARY
            and folded not in self._plain_words
        )

    def _fuzzy_find(
        self, query: str, token: _Token, wanted: frozenset[EntityKind]
    ) -> tuple[Candidate, ...]:
        edits = _max_edits(len(query), alone=False)
        if not edits:
            return ()

        def allowed(form: _Form) -> bool:
            return _allowed(form, token, False, "")

        if wanted.issuperset(_FUZZY_KINDS):
            return _fuzzy(query, self._fuzzy_choices, self._fuzzy_forms, edits, allowed)
        keep = [i for i, form in enumerate(self._fuzzy_forms) if form.record.kind in wanted]
        return _fuzzy(
            query,
            [self._fuzzy_choices[i] for i in keep],
            [self._fuzzy_forms[i] for i in keep],
            edits,
            allowed,
        )

    # --- results ----------------------------------------------------------------------------

    @staticmethod
    def _mention(
        text: str,
        tokens: Sequence[_Token],
        i: int,
        count: int,
        candidates: tuple[Candidate, ...],
    ) -> Mention:
        start, end = tokens[i].start, tokens[i + count - 1].end
        return Mention(candidates[0].record.kind, text[start:end], (start, end), candidates)

    def _near_pairs(self, kind: EntityKind) -> tuple[tuple[str, str], ...]:
        records = [record for record in self._records if record.kind == kind and record.names]
        if len(records) < 2:
            return ()
        names = [record.names[0] for record in records]
        folded = ["".join(_words(name)) for name in names]
        skels = [skeleton(word) for word in folded]
        pairs: set[tuple[str, str]] = set()
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                if records[a].key == records[b].key or folded[a] == folded[b]:
                    continue  # the same name twice is one ambiguous mention, not a near pair
                shortest = min(len(skels[a]), len(skels[b]))
                distance = min(OSA.distance(folded[a], folded[b]), OSA.distance(skels[a], skels[b]))
                close = distance <= (1 if shortest <= 3 else 2)
                prefix = _common_prefix(skels[a], skels[b])
                alike = prefix >= 4 and (
                    2 * prefix >= shortest or JaroWinkler.similarity(skels[a], skels[b]) >= 0.85
                )
                if close or alike:
                    first, second = sorted((names[a], names[b]))
                    pairs.add((first, second))
        return tuple(sorted(pairs))


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _exact(forms: Sequence[_Form]) -> tuple[Candidate, ...]:
    """Candidates of an exact match: the first kind by priority, each record once."""
    kind = min((form.record.kind for form in forms), key=_PRIORITY.__getitem__)
    seen: set[int] = set()
    candidates = []
    for form in sorted(forms, key=lambda form: form.order):
        if form.record.kind == kind and form.order not in seen:
            seen.add(form.order)
            candidates.append(Candidate(form.record, form.surface, 100.0, True))
    return tuple(candidates)


def _fuzzy(
    query: str,
    choices: Sequence[str],
    forms: Sequence[_Form],
    edits: int,
    allowed: Callable[[_Form], bool] | None = None,
) -> tuple[Candidate, ...]:
    """Records within ``edits`` of ``query``; one only if all others are two edits further.

    A record whose name may not match as typed (``allowed``: "valgt" is not VALG) still counts
    as a rival, so "vejlen" asks about Vejle and Vejen; it just cannot be found on its own.
    """
    if not edits or not choices:
        return ()
    hits = process.extract(query, choices, scorer=OSA.distance, score_cutoff=edits + 1, limit=None)
    best: dict[int, tuple[int, _Form]] = {}
    for _, distance, index in hits:
        form = forms[index]
        previous = best.get(form.order)
        if previous is None or distance < previous[0]:
            best[form.order] = (int(distance), form)
    if not best:
        return ()
    ranked = sorted(
        best.values(), key=lambda hit: (hit[0], _PRIORITY[hit[1].record.kind], hit[1].order)
    )
    nearest, top = ranked[0]
    if nearest > edits:
        return ()
    kind = top.record.kind
    same = [(distance, form) for distance, form in ranked if form.record.kind == kind]
    # Ask back about the equally near records; a further one only when it alone rivals the best.
    tied = [hit for hit in same if hit[0] == nearest]
    if allowed is not None and not any(allowed(form) for _, form in tied):
        return ()
    plausible = tied if len(tied) > 1 else [hit for hit in same if hit[0] <= nearest + 1]
    return tuple(
        Candidate(form.record, form.surface, _score(distance, query, form.joined), False)
        for distance, form in plausible
    )
