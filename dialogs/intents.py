"""What a question asks for, from Danish and English keywords (no external AI service).

Recognition looks at the words and at which kinds of things the question names (found by
:mod:`dialogs.entities`), so "status på ADG_0" and "hvem mangler K49?" differ by their words,
and "Vejle?" alone still means "what about Vejle".
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    HELP = "help"
    DATA_STATUS = "data_status"
    REGISTER = "register"
    WHOAMI = "whoami"
    FORGET_ME = "forget_me"
    SELF_REPORT = "self_report"
    AGREEMENTS_FOR_MUNICIPALITY = "agreements_for_municipality"
    WHO_AGREEMENT = "who_agreement"
    SOLUTION_AGREEMENTS = "solution_agreements"
    WHO_TASK = "who_task"
    TASK_DETAILS = "task_details"
    MUNICIPALITY_TASKS = "municipality_tasks"
    MUNICIPALITY_OVERVIEW = "municipality_overview"
    PROJECT_TASKS = "project_tasks"
    DEADLINES = "deadlines"
    FROZEN_NEXT = "frozen_next"
    FROZEN_NOW = "frozen_now"
    FROZEN_BLOCKED = "frozen_blocked"
    MEETING_NEXT = "meeting_next"
    MEETING_LAST = "meeting_last"
    MEETING_AGENDA = "meeting_agenda"
    MEETING_ACTIONS = "meeting_actions"
    CONTACT = "contact"
    ROLLOUT_WHEN = "rollout_when"
    ROLLOUT_WAVE = "rollout_wave"
    VISITS = "visits"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Each signal accepts the Danish letters and their ASCII spellings (æ/ae, ø/oe/o, å/aa/a).
WHOAMI = _rx(r"\bhvem er jeg\b|\bwho am i\b|\bmin profil\b|\bmy profile\b")
FORGET_ME = _rx(r"\bglem mig\b|\bforget me\b|\bslet min profil\b|\bdelete my profile\b")
REGISTER = _rx(
    r"\bjeg er (?:kombit-?)?(?:programleder|kontaktperson|programme leader)\b"
    r"|\bjeg er (?:fra|i)\b|\bjeg arbejder (?:i|for|hos)\b"
    r"|\bi(?:'m| am) (?:the |a )?(?:kombit )?(?:programme|program) leader\b"
    r"|\bi(?:'m| am) from\b|\bi work (?:in|for|at)\b|\bskift (?:til|kommune)\b"
)
SELF_REPORT = _rx(
    r"\b(?:vi|we|jeg|i) (?:har|have|has) (?:nu |now |just |lige |netop )?"
    r"(?:underskrevet|signed|fuldført|fuldfoert|completed|finished|påbegyndt|paabegyndt|started)\b"
    r"|\ber (?:nu |blevet )?(?:fuldført|fuldfoert|påbegyndt|paabegyndt|underskrevet)\b"
    r"|\bis (?:now )?(?:completed|done|started|signed)\b"
    r"|\bmark[ée]r?\b.*\b(?:fuldført|fuldfoert|completed|done|underskrevet|signed)\b"
)
# "Vejen har underskrevet …" reports; "har Vejen underskrevet?" and "hvem har …" ask.
HAS_DONE = _rx(
    r"^(?!\s*(?:har|hvem|who|has|have|hvilke|which|hvad|what|hvor|how|hvornår|when|er|is|"
    r"did|does|mon|kan|can)\b).*\b(?:har|has|have) "
    r"(?:nu |now |just |lige |netop )?(?:underskrevet|signed|fuldført|fuldfoert|completed|"
    r"finished|påbegyndt|paabegyndt|started)\b"
)
FROZEN = _rx(r"frozen|frossen|frosne|fryse|servicevindue|service ?window|cut-?over|lukket for")
NOW = _rx(
    r"\b(?:nu|lige nu|i dag|netop nu|now|currently|right now|today|at the moment)\b"
    r"|\ber vi i\b|\bare we in\b"
)
BLOCKED = _rx(
    r"ikke kan|kan vi ikke|kan man ikke|kan kommunen ikke|må vi ikke|maa vi ikke|hvad kan|"
    r"cannot|can't|can ?not|not allowed|blocked|what can|lukket for hvad|begrænsning|restriction"
    # what is closed, may we …, can we … — asked about the window's content, not its dates
    r"|\bhvad er (?:lukket|blokeret|spærret)|\bblokeret\b|\bspærret\b|\bm(?:å|aa) (?:vi|man|kommunen)\b"
    r"|\bkan (?:vi|man|kommunen) (?!forvente)\w+|\bmå ikke\b|\bwhat is (?:closed|blocked)\b"
    r"|\b(?:can|may) (?:we|i|the municipality)\b|\ballowed\b|\bclosed\b"
)
MEETING = _rx(r"m(?:ø|oe|o)de|meeting")
ACTIONS = _rx(r"opgave|tasks?\b|action|to-?do|hvad skal vi|what should we")
AGENDA = _rx(r"dagsorden|agenda|\bprogram(?:met)?\b|punkter")
LAST = _rx(r"\b(?:sidste|forrige|seneste|last|previous|latest)\b")
CONTACT = _rx(
    r"hvem (?:kan|skal|må|bør) (?:jeg|vi|man) (?:spørge|spoerge|sporge|kontakte|skrive til|"
    r"ringe til|tale med|henvende (?:mig|os|sig) til)"
    r"|\bhvem (?:henvender|kontakter|spørger|skriver) (?:jeg|vi|man)\b"
    r"|\bhvor (?:kan|skal) (?:jeg|vi|man) (?:henvende|spørge|få hjælp)"
    r"|\bhvem er (?:ansvarlig|kontaktperson)|\bkontakt"
    r"|\bwho (?:can|should|do) (?:i|we) (?:ask|contact|write to|talk to|email)\b|\bcontact\b"
    r"|\bwho is (?:responsible|in charge)\b|\bhvem ved (?:noget )?om\b|\bwho knows\b"
)
VISIT = _rx(r"\bbes(?:ø|oe|o)g|\bvisit|\bkommunebes")
WAVE = _rx(r"\b(?:bølge|boelge|bolge|wave|rul)\b")
GO_LIVE = _rx(
    r"\blive\b|go-?live|i drift|idriftsat|idriftsættelse|idriftsaettelse|went live"
    r"|udrul|rollout|roll-out"
    # everyday ways of saying it: "hvornår kom Ikast-Brande på KY?", "startede Vejle på SAPA"
    r"|\bkom(?:mer)?\b.*\bp(?:å|aa)\b|\b(?:startede|begyndte|overgik|skiftede)\b"
    r"|\b(?:join(?:ed)?|mov(?:e|ed) to|switch(?:ed)? to|start(?:ed)? (?:on|with|using)"
    r"|onboard(?:ed)?|c[ao]me onto)\b"
)
WHO = _rx(
    r"\bhvem\b|\bwho\b|\bhvilke kommuner\b|\bwhich municipalities\b|\bhvor mange\b|\bhow many\b"
)
AGREEMENT = _rx(r"aftale|agreement|\bdba\b|underskr|\bsign|skrive under|skrevet under")
SIGN_WORDS = _rx(r"underskr|\bsign|skrive under|skrevet under")
MISSING = _rx(
    r"mangler|endnu ikke|ikke underskrevet|ikke har|\bstill\b|not yet|hasn'?t|haven'?t|have not|"
    r"has not|missing|outstanding|need to|needs to|skal"
)
SIGNED = _rx(r"\bhar underskrevet\b|\bhas signed\b|\bhave signed\b|\bsigned\b|\bunderskrevet\b")
TASK_WORD = _rx(r"opgave|\btasks?\b|\bklik\b")
TASK_PROGRESS = _rx(
    r"mangler|fuldført|fuldfoert|færdig|faerdig|completed|done|finished|påbegyndt|paabegyndt|"
    r"started|missing|not started|ikke påbegyndt|status"
)
DEADLINE = _rx(
    r"deadline|\bfrist|\bdue\b|forfalder|skal (?:vi |man |kommunen )?nå|skal (?:vi |man )?naa|"
    r"skal være færdig|afleveres|udløber|expires?|\bnå før\b"
)
# "hvad har vi i næste uge?" asks for deadlines; "hvad bliver vejret i morgen?" does not.
PERIOD_QUESTION = _rx(
    r"\bhvad (?:har|skal|sker|er der|kommer)\b|\bhvilke (?:opgaver|aftaler|frister)\b"
    r"|\bwhat(?:'s| is| are)? (?:due|happening|coming|on)\b|\bwhat do (?:we|i) have\b"
    r"|\bwhich (?:tasks|agreements|deadlines)\b"
)
QUESTION = _rx(r"\bhvad\b|\bhvilke\b|\bwhat\b|\bwhich\b|\bhvornår\b|\bwhen\b")
DETAILS = _rx(
    r"status|hvad går .* ud på|hvad er|what is|what's|details|detaljer|beskriv|describe|om\b"
)
WE = _rx(r"\b(?:vi|os|vores|we|us|our|ours)\b")
SHOW_ALL = _rx(r"\bvis alle\b|\bshow all\b|\balle\b.*\bvis\b")
# A question about one thing rather than a list: yes/no ("har Odense skrevet under på …?",
# "has Aarhus signed …?") or "status for <kommune> på …".
ABOUT_ONE = _rx(
    r"^\s*(?:har|has|have|is|er|mangler|did|does|do|skal)\b"
    r"|\bstatus (?:for|på|paa|of|on)\b"
)
HOW_MANY = _rx(r"\bhvor mange\b|\bhow many\b|\bantal\b|\bnumber of\b")
LIST_WORDS = _rx(r"\bhvilke\b|\bwhich\b|\balle\b|\ball\b|\baftaler\b|\bagreements\b")


@dataclass(frozen=True, slots=True)
class Signals:
    """What a question says about itself, apart from the named things."""

    we: bool
    show_all: bool
    signed: bool  # "hvem har underskrevet" (True) vs "hvem mangler at underskrive" (False)
    about_one: bool  # asks about one thing (yes/no, "status for … på …"), not for a list
    count: bool  # "hvor mange …?": the number first


def signals(text: str) -> Signals:
    signed = bool(SIGNED.search(text)) and not MISSING.search(text)
    about_one = bool(ABOUT_ONE.search(text)) and not LIST_WORDS.search(text)
    return Signals(
        we=bool(WE.search(text)),
        show_all=bool(SHOW_ALL.search(text)),
        signed=signed,
        about_one=about_one,
        count=bool(HOW_MANY.search(text)),
    )


def classify(text: str, kinds: Collection[str], has_period: bool) -> Intent | None:
    """The intent of ``text`` given the kinds of entities it names; None if unclear."""
    municipality = "municipality" in kinds or "region" in kinds
    task = "task" in kinds
    solution = "solution" in kinds
    agreement = "agreement" in kinds
    we = bool(WE.search(text))
    if WHOAMI.search(text):
        return Intent.WHOAMI
    if FORGET_ME.search(text):
        return Intent.FORGET_ME
    reports = SELF_REPORT.search(text) or HAS_DONE.search(text)
    if (
        reports
        and not text.rstrip().endswith("?")
        and (task or agreement or solution or AGREEMENT.search(text))
    ):
        return Intent.SELF_REPORT
    if REGISTER.search(text) and municipality:
        return Intent.REGISTER
    if FROZEN.search(text):
        if BLOCKED.search(text):
            return Intent.FROZEN_BLOCKED
        if NOW.search(text):
            return Intent.FROZEN_NOW
        return Intent.FROZEN_NEXT
    if CONTACT.search(text):
        return Intent.CONTACT
    if MEETING.search(text) and not task:
        if ACTIONS.search(text):
            return Intent.MEETING_ACTIONS
        if AGENDA.search(text):
            return Intent.MEETING_AGENDA
        if LAST.search(text):
            return Intent.MEETING_LAST
        return Intent.MEETING_NEXT
    if VISIT.search(text) and not task:
        return Intent.VISITS
    if WAVE.search(text) and not GO_LIVE.search(text):
        # "hvilken bølge var Gentofte i?" asks a municipality's wave, not a wave's members
        return Intent.ROLLOUT_WHEN if municipality else Intent.ROLLOUT_WAVE
    if GO_LIVE.search(text) and (municipality or we or solution or WAVE.search(text)):
        return Intent.ROLLOUT_WHEN
    if WHO.search(text) and task and (TASK_PROGRESS.search(text) or TASK_WORD.search(text)):
        return Intent.WHO_TASK
    if WHO.search(text) and (agreement or (AGREEMENT.search(text) and SIGN_WORDS.search(text))):
        return Intent.WHO_AGREEMENT
    if task:
        return Intent.TASK_DETAILS
    if DEADLINE.search(text) or (has_period and PERIOD_QUESTION.search(text)):
        return Intent.DEADLINES
    if (municipality or we) and AGREEMENT.search(text):
        return Intent.AGREEMENTS_FOR_MUNICIPALITY
    if agreement:
        return Intent.WHO_AGREEMENT
    if (municipality or we) and TASK_WORD.search(text):
        return Intent.MUNICIPALITY_TASKS
    if solution and AGREEMENT.search(text):
        return Intent.SOLUTION_AGREEMENTS
    if solution:
        return Intent.PROJECT_TASKS
    if municipality or (we and (MISSING.search(text) or QUESTION.search(text))):
        return Intent.MUNICIPALITY_OVERVIEW
    return None
