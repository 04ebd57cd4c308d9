"""The words questions are read by: one named cue per idea, Danish and English side by side.

A cue is a list of phrases compared in the loose form of :func:`dialogs.text.plain` (lower
case; æ→ae, ø/oe→o, å/aa→a: "hvornår", "hvornaar" and "hvornar" are one word). In a phrase ``*`` at the end of a word
means "and any ending" (``aftale*``: aftale, aftaler, aftalen), at the start "as the end of a
compound" (``*aftale*``: databehandleraftalen). The cues only say which ideas a question
contains; which answer fits is decided elsewhere, by scores (:mod:`dialogs.questions.catalogue`).

The same phrases are the vocabulary for typo repair: an ordinary word of five letters or more
that is one edit from exactly one cue word is read as that word ("aftlaer" → "aftaler",
"deadilne" → "deadline"), never a name (names are found before, by the entity index).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import OSA

from dialogs.language import is_known_word
from dialogs.text import plain

CUES: Final[Mapping[str, tuple[str, ...]]] = {
    # --- what is asked about ---
    "agreement": (
        "aftale*",
        "*aftale*",
        "agreement*",
        "dba",
        "dpa",
        "kontrakt*",
        "tilslutning*",
        "accession",
        "bilag",
    ),
    "sign": (
        "underskr*",
        "sign*",
        "skrive under",
        "skrevet under",
        "skrev under",
        "skriver under",
        "skrive* under",
        "tilsluttet",
        "tiltradt",
    ),
    "task": ("opgave*", "*opgave*", "task*", "klik", "to-do", "todo"),
    "progress": (
        "fuldfort*",
        "faerdig*",
        "completed",
        "complete",
        "done",
        "finished",
        "finish*",
        "pabegynd*",
        "started",
        "not started",
        "status",
    ),
    "deadline": (
        "skal være klar",
        "være klar",
        "skal blive lavet",
        "blive lavet",
        "ready by",
        "skal vi nå",
        "skal man nå",
        "skal kommunen nå",
        "*frist*",
        "haster",
        "hast*",
        "urgent",
        "finish",
        "need to finish",
        "have to finish",
        "huske at nå",
        "mangler vi at nå",
        "at nå",
        "nå i",
        "nå inden",
        "nå de",
        "what's due",
        "due date*",
        "slutter",
        "slutdato*",
        "ends",
        "end date",
        "sidste frist",
        "deadline*",
        "frist*",
        "due",
        "forfald*",
        "udlob*",
        "expire*",
        "skal na",
        "na for",
        "na inden",
        "afleveres",
        "vaere faerdig*",
        "have styr pa",
        "naermer sig",
        "kommende frister",
    ),
    "frozen": (
        "frozen",
        "frossen",
        "frosne",
        "fryse*",
        "freeze*",
        "frys*",
        "servicevindue*",
        "service window*",
        "cut-over",
        "cutover",
        "lukker for aendring*",
        "lukket for aendring*",
    ),
    "closed": ("lukket", "lukker", "closed", "lukke"),
    "blocked": (
        "kan jeg",
        "må jeg",
        "kan de",
        "kan kommunerne",
        "hvad sker der med",
        "what happens to",
        "what happens with",
        "virker",
        "fungerer",
        "works",
        "working",
        "tilgængelig*",
        "available",
        "lukket for",
        "huske at gøre",
        "gøre inden",
        "huske inden",
        "login",
        "log-in",
        "log ind",
        "ikke kan",
        "kan ikke",
        "kan vi ikke",
        "kan man ikke",
        "ma ikke",
        "ma vi",
        "ma man",
        "ma kommunen",
        "kan vi",
        "kan man",
        "kan kommunen",
        "can we",
        "may we",
        "can i",
        "may i",
        "can the municipality",
        "cannot",
        "can't",
        "can not",
        "not allowed",
        "allowed",
        "blokeret",
        "blocked",
        "spærret",
        "begræns*",
        "restriction*",
        "hvad kan",
        "what can",
        "lukket for hvad",
        "hvad er lukket",
        "what is closed",
        "gore for",
        "do before",
        "forberede*",
        "prepare",
    ),
    "meeting": (
        "jeres opgaver",
        "mode",
        "moder",
        "modet",
        "*mode",
        "*modet",
        "plm",
        "meeting*",
        "mødes",
        "modes",
    ),
    "agenda": (
        "dagsorden*",
        "agenda",
        "program",
        "programmet",
        "punkter",
        "handlede",
        "talt om",
        "snakket om",
        "on the agenda",
    ),
    "actions": (
        "gøre efter",
        "skulle vi",
        "skal vi gøre",
        "bad kombit os om",
        "bad os",
        "to-do*",
        "todo*",
        "bad os om",
        "bad i os om",
        "bede os om",
        "opsummering",
        "opgave*",
        "task*",
        "action*",
        "to-do",
        "todo",
        "hvad skal vi",
        "what should we",
        "bedt om",
        "asked to",
        "jeres opgaver",
        "opfolgning*",
        "follow-up",
        "follow up",
    ),
    "last": ("sidste", "sidst", "forrige", "seneste", "last", "previous", "latest", "skete"),
    "next": ("naeste", "kommende", "next", "upcoming", "naeste gang", "snart", "soon"),
    "attended": ("deltog", "deltagere", "deltager*", "attended", "participants", "attend*"),
    "contact": (
        "skriver vi til",
        "hvem skriver",
        "skrive til",
        "hvem skal vi skrive",
        "giver besked",
        "give besked",
        "hvem har styr på",
        "sende forslag",
        "forslag til emner",
        "reach",
        "how do i reach",
        "få link",
        "link til",
        "hvem skal have",
        "spørgsmål til",
        "spørgsmål om",
        "questions about",
        "question about",
        "hvor sender",
        "sender vi",
        "who runs",
        "who leads",
        "hvem leder",
        "hvem står bag",
        "have fat i",
        "fat på",
        "get hold of",
        "rekvirer*",
        "hvem kan hjælpe",
        "taler jeg med",
        "snakke med",
        "hvem ved noget",
        "hvem har den",
        "hvem kan give mig",
        "hvem kan fortælle",
        "hvem fortalte",
        "hvor sender man",
        "hvor sender jeg",
        "skriver jeg til",
        "skriver man til",
        "who can tell",
        "who presented",
        "who talked about",
        "who do i talk to",
        "hvem holdt oplæg",
        "oplægsholder*",
        "presenter",
        "kontakt*",
        "*kontakt*",
        "contact*",
        "henvend*",
        "sporge",
        "sporger",
        "skrive til",
        "skriver til",
        "write to",
        "ringe til",
        "tale med",
        "taler med",
        "talk to",
        "ansvarlig",
        "responsible",
        "in charge",
        "tovholder",
        "mail*",
        "email*",
        "e-mail*",
        "mailadresse*",
        "hjaelpe med",
        "hjaelpe os",
        "hjaelp med",
        "help with",
        "get help",
        "ved noget om",
        "knows about",
        "who knows",
        "svare pa",
        "svarer pa",
        "sender jeg sporgsmal",
        "ask",
        "who do i ask",
        "hjælp til",
        "få hjælp",
        "hvem står for",
        "who handles",
        "projektleder på",
        "kontaktoplysning*",
        "contact details",
        "hvem skal have besked",
        "hvem skal jeg bede",
    ),
    # "hvad har vi i næste uge?" asks for deadlines; "hvad bliver vejret i morgen?" does not
    "period_question": (
        "mangler der",
        "noget der skal",
        "er der noget",
        "hvad har",
        "hvad skal",
        "hvad sker",
        "hvad er der",
        "hvad kommer",
        "hvilke opgaver",
        "hvilke aftaler",
        "hvilke frister",
        "what's due",
        "what is due",
        "what's happening",
        "what's coming",
        "what's on",
        "what do we have",
        "which tasks",
        "which agreements",
        "which deadlines",
        "noget i",
        "anything",
        "hvad forfalder",
        "what is coming",
    ),
    "visit": (
        "var i i",
        "var kombit",
        "vist interesse",
        "interesse*",
        "interest",
        "været i",
        "været på",
        "været hos",
        "kommer ud til",
        "var kombit i",
        "var kombit på",
        "kombit ud",
        "ude hos",
        "come to",
        "been to",
        "besog*",
        "*besog*",
        "visit*",
        "besoge",
    ),
    "wave": ("rul", "rullet", "bolge*", "*bolge*", "wave*"),
    "same": (
        "samme bølge",
        "sammen med",
        "same wave",
        "together with",
        "samme tid som",
        "same time as",
    ),
    "got": ("fik", "got", "fået", "have fået", "get", "gets"),
    "golive": (
        "start on",
        "started on",
        "start with",
        "started with",
        "konverteret",
        "converted",
        "blev konverteret",
        "kom vi på",
        "kom vi i gang",
        "kom de på",
        "gik på",
        "klar på",
        "var klar",
        "en af de første",
        "de første på",
        "kom i gang",
        "live",
        "go-live",
        "golive",
        "i drift",
        "idriftsat*",
        "idriftsaet*",
        "udrul*",
        "rollout",
        "roll-out",
        "went live",
        "i luften",
        "kom pa",
        "kom med",
        "kommer pa",
        "startede",
        "begyndte",
        "overgik",
        "skiftede",
        "join*",
        "move to",
        "moved to",
        "switch to",
        "switched to",
        "start using",
        "started using",
        "onboard*",
        "came onto",
        "tog i brug",
        "taget i brug",
    ),
    "solution_name": ("hvad star", "star for", "stand for", "stands for", "full name"),
    "region": ("region*", "landsdel*"),
    "poll": (
        "afstemning*",
        "*afstemning*",
        "poll*",
        "mentimeter",
        "menti",
        "evaluering*",
        "måling*",
        "spurgte i om",
        "spurgte i os om",
        "survey*",
        "spørgeskema*",
    ),
    # --- how it is asked ---
    "when": ("hvornar", "when", "dato*", "date*", "what time", "hvilken dag", "which day"),
    "who": ("hvem", "who", "hvilke kommuner", "which municipalities", "whom"),
    "count": ("hvor mange", "how many", "antal*", "number of"),
    "which": ("hvilke", "hvilken", "which", "list*", "vis", "show"),
    "what": ("hvad", "what", "what's", "whats"),
    "details": (
        "status",
        "hvad gar",
        "ud pa",
        "hvad er",
        "what is",
        "what's",
        "details",
        "detaljer*",
        "beskriv*",
        "describe",
        "fortael",
        "tell me",
        "about",
        "om",
    ),
    "now": (
        "pt",
        "p.t.",
        "for tiden",
        "lige for tiden",
        "i øjeblikket",
        "nu",
        "lige nu",
        "i dag",
        "netop nu",
        "now",
        "currently",
        "right now",
        "today",
        "at the moment",
        "er vi i",
        "are we in",
        "korer der",
    ),
    "missing": (
        "mangler",
        "endnu ikke",
        "ikke underskrevet",
        "ikke skrevet",
        "ikke har",
        "ikke",
        "still",
        "not yet",
        "hasn't",
        "haven't",
        "have not",
        "has not",
        "missing",
        "outstanding",
        "not signed",
        "not completed",
        "need to",
        "needs to",
        "udestaende",
    ),
    "done": (
        "har underskrevet",
        "has signed",
        "have signed",
        "signed",
        "underskrevet",
        "skrevet under",
        "fuldfort",
        "completed",
        "finished",
        "done",
        "faerdig*",
    ),
    "we": ("vi", "os", "vores", "we", "us", "our", "ours", "hos os"),
    "show_all": ("vis alle", "show all", "alle vis"),
    "yes_no_start": (),  # filled in by the understanding: the question starts with a verb
    "profile": (
        "programleder*",
        "kontaktperson",
        "arbejder",
        "programme",
        "forget",
        "profil*",
        "profile",
        "registreret",
        "registered",
        "delete",
    ),
    "greeting": (
        "hej",
        "hejsa",
        "halløj",
        "hello",
        "hi",
        "hey",
        "godmorgen",
        "goddag",
        "god morgen",
        "good morning",
        "morn",
        "dav",
        "hallo",
    ),
    "thanks": (
        "tak",
        "tusind tak",
        "mange tak",
        "thanks",
        "thank you",
        "thx",
        "perfekt",
        "super",
        "great",
        "fint",
        "fedt",
    ),
    # what the data does not hold: costs, hours, population, weather … (no answer fits then)
    "beyond": (
        "koster",
        "kostede",
        "kostet",
        "pris",
        "prisen",
        "priser",
        "price*",
        "cost*",
        "budget",
        "budgettet",
        "budgetter",
        "timer",
        "hours",
        "oppetid*",
        "uptime",
        "vejr*",
        "weather",
        "indbygger*",
        "population",
        "inhabitants",
        "løn",
        "lønnen",
        "salary",
        "ansatte",
        "employees",
        "medarbejdere",
        "gebyr*",
        "fee*",
    ),
    "question_word": ("spørgsmål", "spørgsmålet", "question", "questions"),
    "polite": ("hej", "hi", "hello", "tak", "thanks", "please", "venligst", "kan du", "could you"),
}


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    prefix: bool  # "aftale*"
    suffix: bool  # "*aftale"


_TOKEN: Final = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class _Matcher:
    """One cue compiled for speed: single words by set and prefix (one pass over the words),
    compound parts by substring, and only multi-word or punctuated phrases by regex — each
    tried only when its first word is in the text at all."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]
    inside: tuple[str, ...]
    phrases: tuple[tuple[str, re.Pattern[str]], ...]

    def search(self, folded: str, words: frozenset[str]) -> bool:
        if self.exact & words:
            return True
        if self.prefixes and any(word.startswith(self.prefixes) for word in words):
            return True
        if any(part in folded for part in self.inside):
            return True
        return any(first in folded and p.search(folded) for first, p in self.phrases)


def _compile(phrases: Iterable[str]) -> _Matcher:
    exact: set[str] = set()
    prefixes: list[str] = []
    inside: list[str] = []
    parts: list[tuple[str, re.Pattern[str]]] = []
    for phrase in phrases:
        folded = plain(phrase)
        body = folded.strip("*")
        if " " not in folded and _TOKEN.fullmatch(body):
            if folded.startswith("*"):
                inside.append(body)
            elif folded.endswith("*"):
                prefixes.append(body)
            else:
                exact.add(body)
            continue
        words = []
        for word in folded.split():
            start = r"\w*" if word.startswith("*") else r"(?<![\w-])"
            end = r"[\w-]*" if word.endswith("*") else r"(?![\w])"
            words.append(start + re.escape(word.strip("*")) + end)
        parts.append((folded.split()[0].strip("*"), re.compile(r"\s+".join(words))))
    return _Matcher(frozenset(exact), tuple(prefixes), tuple(inside), tuple(parts))


MATCHERS: Final[Mapping[str, _Matcher]] = {
    name: _compile(phrases) for name, phrases in CUES.items() if phrases
}

_VOCABULARY: Final[tuple[_Word, ...]] = tuple(
    sorted(
        {
            _Word(w.strip("*"), w.endswith("*"), w.startswith("*"))
            for phrases in CUES.values()
            for phrase in phrases
            for w in plain(phrase).split()
            if len(w.strip("*")) >= 5 and not w.startswith("*")
        },
        key=lambda w: w.text,
    )
)
_KNOWN: Final = frozenset(w.text for w in _VOCABULARY)
_PREFIXES: Final = tuple(w.text for w in _VOCABULARY if w.prefix)
_WHOLE_WORDS: Final = [w.text for w in _VOCABULARY]
_STEMS_BY_LENGTH: Final[Mapping[int, list[str]]] = {
    length: [w.text for w in _VOCABULARY if w.prefix and len(w.text) == length]
    for length in sorted({len(w.text) for w in _VOCABULARY if w.prefix})
}


_ALL_WORDS: Final = frozenset(
    w.strip("*") for phrases in CUES.values() for p in phrases for w in plain(p).split()
)


def is_cue_word(word: str) -> bool:
    """A word of the vocabulary or a form of one ("opgaven", "aftalerne")."""
    return word in _ALL_WORDS or word.startswith(_PREFIXES)


@dataclass(frozen=True, slots=True)
class _CueIndex:
    """All cues at once, for one pass over a question's words: which cues each exact word and
    each word beginning names, which compound parts to look for, which phrases to try."""

    by_word: Mapping[str, frozenset[str]]
    by_start: Mapping[str, frozenset[str]]
    start_lengths: tuple[int, ...]
    by_part: tuple[tuple[str, str], ...]  # (part, cue)
    phrases: tuple[tuple[str, re.Pattern[str], str], ...]  # (first word, pattern, cue)

    def cues(self, folded: str) -> frozenset[str]:
        found: set[str] = set()
        for word in set(_TOKEN.findall(folded)):
            found |= self.by_word.get(word, frozenset())
            for length in self.start_lengths:
                if len(word) >= length:
                    found |= self.by_start.get(word[:length], frozenset())
        found |= {cue for part, cue in self.by_part if cue not in found and part in folded}
        found |= {
            cue
            for first, pattern, cue in self.phrases
            if cue not in found and first in folded and pattern.search(folded)
        }
        return frozenset(found)


def _index(matchers: Mapping[str, _Matcher]) -> _CueIndex:
    by_word: dict[str, set[str]] = {}
    by_start: dict[str, set[str]] = {}
    for name, matcher in matchers.items():
        for word in matcher.exact:
            by_word.setdefault(word, set()).add(name)
        for start in matcher.prefixes:
            by_start.setdefault(start, set()).add(name)
    return _CueIndex(
        {w: frozenset(c) for w, c in by_word.items()},
        {w: frozenset(c) for w, c in by_start.items()},
        tuple(sorted({len(w) for w in by_start})),
        tuple((part, name) for name, m in matchers.items() for part in m.inside),
        tuple((first, p, name) for name, m in matchers.items() for first, p in m.phrases),
    )


_CUE_INDEX: Final = _index(MATCHERS)


def cues_in(folded: str) -> frozenset[str]:
    """The names of the cues in loose text."""
    return _CUE_INDEX.cues(folded)


def has_cue(name: str, folded: str) -> bool:
    """Whether loose text holds the one cue ``name``."""
    matcher = MATCHERS[name]
    return matcher.search(folded, frozenset(_TOKEN.findall(folded)))


def repair(word: str) -> str | None:
    """The cue word ``word`` is one typo from, when exactly one is that close; else None."""
    if len(word) < 5 or word in _KNOWN or not word.isalpha() or word.startswith(_PREFIXES):
        return None  # a cue word, or a form of one ("agreements", "aftalerne"): not a typo
    if is_known_word(word):
        return None  # an ordinary word of either language: "leader" is no typo of "leder"
    found = {
        text
        for text, _, _ in process.extract(
            word, _WHOLE_WORDS, scorer=OSA.distance, score_cutoff=1, limit=None
        )
        # "programme"/"programmet": another form of a word, not a typo
        if not (text.startswith(word) or word.startswith(text))
    }
    if len(found) == 1:  # a whole word beats a stem with an ending ("kontakpterson")
        return found.pop()
    for length, stems in _STEMS_BY_LENGTH.items():
        if len(word) >= length:
            head = word[:length]
            found |= {
                stem + word[length:]
                for stem, _, _ in process.extract(
                    head, stems, scorer=OSA.distance, score_cutoff=1, limit=None
                )
            }
        if len(found) > 1:
            return None
    return found.pop() if len(found) == 1 else None


# Cues that are sentence shapes rather than words, over the same loose text (names blanked).
SHAPES: Final[Mapping[str, re.Pattern[str]]] = {
    "register": re.compile(
        r"\bjeg er (?:\w+ )?(?:kombit-?)?(?:programleder|kontaktperson)\b"
        r"|\b(?:er|am) (?:\w+ )?(?:kombit-?)?(?:programleder|program(?:me)? leader) (?:i|for|in)\b"
        r"|\bregistr(?:er|ere) mig\b|\bregister me\b|\b(?:saet|sat|skift|aendr) min kommune\b"
        r"|\b(?:switch|set|change) my municipality\b|\bjeg repraesenterer\b"
        r"|\bovertaget (?:\w+ )?programleder"
        r"|^\s*(?:hej,? )?programleder (?:i|for)\b|\bsidder som programleder\b"
        r"|\bmig (?:op )?som (?:ny )?programleder\b"
        r"|\bjeg er (?:fra|i)\b|\bjeg arbejder (?:i|for|hos|pa)\b"
        r"|\bi(?:'m| am) (?:(?:the|a|new) )*(?:kombit )?(?:programme|program) leader\b"
        r"|\bi(?:'m| am) (?:from|in)\b|\bi work (?:in|for|at)\b|\bskift (?:til|kommune)\b"
    ),
    "whoami": re.compile(
        r"\bhvem er jeg\b|\bwho am i\b|\bmin profil\b|\bmy profile\b"
        r"|\bregistreret (?:som|i|for|til)\b|\bregistered (?:for|as|in|with)\b"
        r"|\bregistreret om mig\b|\bved du om mig\b|\bknow about me\b|\ber jeg sat op\b"
        r"|\bregistreret pa\b|\btror du jeg er\b|\bstar jeg som\b|\bam i registered\b"
        r"|\bhave me down\b|\bhvilken kommune jeg\b|\bwhich municipality i\b|\bjeg horer til\b"
    ),
    "forget": re.compile(
        r"\bglem (?:mig|min|mit)\b|\bforget (?:me|my)\b|\bslet (?:min|mig|mit)\b"
        r"|\bdelete (?:my|me)\b|\bfjern (?:min profil|mig)\b|\bremove (?:my profile|me)\b"
        r"|\bslet mine oplysninger\b|\bafmeld mig\b|\bslette det du ved om mig\b|\bunregister\b"
        r"|\bfjern min\b|\bslet min\b|\bforget (?:\w+ )?about me\b|\bforget everything\b"
        r"|\bglemme (?:mig|hvem jeg)\b"
    ),
    # "Vejen har underskrevet …", "vi har nu skrevet under på …", "K50 er fuldført hos os":
    # a statement of fact about one's own municipality (questions are excluded by the ranker).
    "report": re.compile(
        r"\b(?:har|has|have|er|is|are)\s+(?:nu\s+|now\s+|just\s+|lige\s+|netop\s+|blevet\s+)?"
        r"(?:underskrevet|skrevet under|signed|fuldfort|completed|finished|done|pabegyndt|started"
        r"|lavet|klaret|afsluttet|sendt|indsendt|udpeget|bekraeftet|oprettet|submitted|sent)\b"
        r"|(?:^\s*(?:jeg|i)|\b(?:vi|we))\s+(?:just\s+|lige\s+|netop\s+)?(?:underskrev|skrev under|signed"
        r"|fuldforte|completed|finished|startede|started)\b"
        r"|\bmark(?:er|[ée]r)?\b.*\b(?:fuldfort|completed|done|underskrevet|signed|pabegyndt|started"
        r"|lavet|klaret|afsluttet)\b"
    ),
}
_QUESTION_START: Final = re.compile(
    r"^\s*(?:har|hvem|who|has|have|hvilke|hvilken|which|hvad|what|hvor|how|hvornar|when|er|is|"
    r"did|does|mon|kan|can|mangler|are)\b"
)


def shapes_in(folded: str, whole: str) -> frozenset[str]:
    """The sentence shapes of ``folded`` (names blanked); ``whole``: the message in the loose form,
    for whether it is a question at all."""
    found = {name for name, pattern in SHAPES.items() if pattern.search(folded)}
    if whole.rstrip().endswith("?") or _QUESTION_START.match(whole):
        found.add("question")
    return frozenset(found)
