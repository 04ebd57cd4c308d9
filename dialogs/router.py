"""From a message's text to a reply: understand, decide, answer.

Understanding is done in three passes over the text — the time period it names
(:mod:`dialogs.timeexpr`), the things it names (:mod:`dialogs.entities`, built once per data
version) and what it asks (:mod:`dialogs.intents`) — then one answer function is chosen.
A name that could mean two things is asked back, never guessed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from dialogs.answer import Answer
from dialogs.answers import agreements, deadlines, frozen, meetings, people, tasks
from dialogs.answers.common import SIGNATURE_WORDS, TASK_WORDS, Context, agreement_name, task_name
from dialogs.cards import ask_action, card, escape, text_block
from dialogs.data_status import data_status_reply
from dialogs.entities import EntityIndex, EntityKind, EntityRecord, Mention
from dialogs.freshness import with_age_note
from dialogs.help import help_reply
from dialogs.index import build_index
from dialogs.intents import Intent, Signals, classify, signals
from dialogs.language import detect_language
from dialogs.reply import Language, Reply
from dialogs.self_report import (
    CANCEL,
    CONFIRM,
    REFUSED,
    UNDO,
    Problem,
    confirmation_card,
    parse_change,
    saved_reply,
    undone_reply,
)
from dialogs.timeexpr import Period, find_period
from store.audit import AuditLine, AuditLog
from store.db import is_database_unavailable
from store.profiles import Profile, Profiles
from store.repository import Store
from store.snapshot import Agreement, DataSnapshot
from store.updates import Actor, StatusUpdates, UpdateRefused

log = logging.getLogger(__name__)

Command = Literal["help", "data_status"]

# Exact commands (after lower-casing and dropping punctuation), with the language they are in.
COMMANDS: dict[str, tuple[Command, Language]] = {
    "hjælp": ("help", "da"),
    "hjaelp": ("help", "da"),
    "hjalp": ("help", "da"),
    "hjælp mig": ("help", "da"),
    "hvad kan du": ("help", "da"),
    "help": ("help", "en"),
    "what can you do": ("help", "en"),
    "datastatus": ("data_status", "da"),
    "status på data": ("data_status", "da"),
    "om data": ("data_status", "da"),
    "hvor gamle er data": ("data_status", "da"),
    "data status": ("data_status", "en"),
    "about the data": ("data_status", "en"),
    "how old is the data": ("data_status", "en"),
}
_PUNCTUATION = re.compile(r"[?!.,:;]+")
_WAVE_CODE = re.compile(
    r"\b(?:bølge|boelge|bolge|wave|rul)\s+([A-Za-z]?\d{1,2}|[A-Za-z]+\s?\d?)\b", re.I
)
MAX_TEXT = 500  # longer messages are answered from their first part

EXAMPLES: dict[Language, list[str]] = {
    "da": [
        "Hvilke aftaler mangler Vejle at underskrive?",
        "Hvem mangler at underskrive tilslutningsaftalen om datastandarder?",
        "Status på ADG_0",
        "Hvilke KLIK-opgaver har SAPA?",
        "Hvad har deadline i december 2025?",
        "Hvornår er næste frozen zone?",
        "Hvad kan vi ikke i frozen zone?",
        "Hvad er vores opgaver fra sidste møde?",
        "Hvem kan jeg spørge om VALG?",
        "Hvornår gik Vejle live på KY?",
        "Hvilke kommuner var i bølge B3?",
        "Jeg er programleder i Vejle",
    ],
    "en": [
        "Which agreements does Vejle still need to sign?",
        "Who has not signed the data standards agreement?",
        "Status of ADG_0",
        "Which KLIK tasks does SAPA have?",
        "What is due in December 2025?",
        "When is the next frozen zone?",
        "What can't we do in a frozen zone?",
        "What are our tasks from the last meeting?",
        "Who can I ask about VALG?",
        "When did Vejle go live on KY?",
        "Which municipalities were in wave B3?",
        "I am programme leader for Vejle",
    ],
}


def recognise(text: str) -> tuple[Command, Language] | None:
    normalised = " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())
    return COMMANDS.get(normalised)


@dataclass(frozen=True, slots=True)
class User:
    """Who is asking (from the activity); empty ids when Teams did not say."""

    aad_object_id: str = ""
    teams_user_id: str = ""
    name: str = ""
    conversation_id: str = ""


# What may stand around a municipality's name in "what about Vejle?" (the overview): anything
# else asks something the overview does not answer.
_OVERVIEW_WORDS = frozenset(
    [
        "hvad",
        "med",
        "om",
        "status",
        "for",
        "på",
        "paa",
        "kommune",
        "kommunen",
        "kommunes",
        "overblik",
        "oversigt",
        "hvordan",
        "går",
        "gaar",
        "det",
        "og",
        "står",
        "staar",
        "til",
        "hos",
        "i",
        "vi",
        "os",
        "vores",
        "mangler",
        "har",
        "er",
        "noget",
        "nyt",
        "seneste",
        "åbent",
        "aabent",
        "udestående",
        "udestaaende",
        "what",
        "about",
        "how",
        "is",
        "are",
        "doing",
        "the",
        "of",
        "in",
        "for",
        "we",
        "us",
        "our",
        "missing",
        "open",
        "outstanding",
        "anything",
        "new",
        "latest",
        "status",
        "overview",
        "summary",
        "with",
        "at",
        "has",
        "have",
        "tell",
        "me",
        "om",
    ]
)
_WORDS = re.compile(r"[^\W\d_]+")


def _asks_something_else(text: str, mentions: list[Mention]) -> bool:
    """Words besides the names and the overview's own words: the question asks for more."""
    for mention in sorted(mentions, key=lambda m: m.span, reverse=True):
        text = _blank(text, mention.span)
    return any(w.casefold() not in _OVERVIEW_WORDS for w in _WORDS.findall(text))


def _short_question_names(index: EntityIndex, text: str, mentions: list[Mention]) -> list[Mention]:
    """In a question of a few words, a municipality's name written in lower case is the
    municipality ("aftaler vejen" is Vejen), which running text would read as an ordinary word
    ("i vejen"). Only exact names, never a typo's guess."""
    words = list(_WORDS.finditer(text))
    if len(words) > 4 or any(m.kind == "municipality" for m in mentions):
        return mentions
    for word in words:
        if len(word.group()) < 4 or any(m.span[0] <= word.start() < m.span[1] for m in mentions):
            continue
        if index.names_exactly(word.group(), "municipality"):
            found = index.lookup(word.group(), "municipality")
            if found is not None:
                placed = dataclasses.replace(found, span=(word.start(), word.end()))
                return sorted([*mentions, placed], key=lambda m: m.span)
    return mentions


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]


def _replacement(mention: Mention, choice_key: str, choice_display: str) -> str:
    return choice_display if mention.kind in ("municipality", "solution", "region") else choice_key


class Dialogs:
    """The bot's conversational behaviour; pure apart from the store it asks and the clock."""

    def __init__(
        self,
        store: Store,
        profiles: Profiles,
        updates: StatusUpdates,
        clock: Callable[[], dt.datetime],
        is_admin: Callable[[str], bool],
        audit_log: AuditLog | None = None,
        on_status_changed: Callable[[str, str], Awaitable[object]] | None = None,
        on_items_changed: Callable[[Sequence[tuple[str, str]]], Awaitable[object]] | None = None,
        fixed_today: dt.date | None = None,
    ) -> None:
        """``on_status_changed(kind, key)``: told after a confirmed or undone status change,
        so reminder cards already posted can show it; ``on_items_changed(items)``: the same
        for the ``(kind, key)`` items an import changed. Both run in the background.
        ``fixed_today``: the day ``KOMBITBOT_TODAY`` fixes, which the help card then names."""
        self._fixed_today = fixed_today
        self._store = store
        self._on_status_changed = on_status_changed
        self._on_items_changed = on_items_changed
        self._background: set[asyncio.Task[object]] = set()
        self._audit_log = audit_log or AuditLog(store.sessions)
        self._profiles = profiles
        self._updates = updates
        self._clock = clock
        self._is_admin = is_admin
        self._index: tuple[int, EntityIndex] | None = None

    def _status_changed(self, kind: str, key: str) -> None:
        """Refresh posted reminder cards without keeping the user's turn waiting."""
        if self._on_status_changed is not None:
            self._in_background(self._on_status_changed(kind, key))

    def items_changed(self, items: Sequence[tuple[str, str]]) -> None:
        """An import changed these tasks, agreements or zones: refresh the reminder cards
        that mention them, without keeping the admin's turn waiting."""
        if self._on_items_changed is not None and items:
            self._in_background(self._on_items_changed(list(items)))

    def _in_background(self, work: Awaitable[object]) -> None:
        async def run() -> object:
            try:
                return await work
            except Exception:
                log.warning("updating posted cards after a change failed", exc_info=True)
                return None

        task: asyncio.Task[object] = asyncio.ensure_future(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self, grace: float = 5.0) -> None:
        """On shutdown: let background card refreshes finish (at most ``grace`` seconds),
        rather than cut them off in the middle of a database statement."""
        if not self._background:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace):
                await asyncio.gather(*list(self._background), return_exceptions=True)

    def _entity_index(self, snapshot: DataSnapshot) -> EntityIndex:
        if self._index is None or self._index[0] != snapshot.version:
            self._index = (snapshot.version, build_index(snapshot))
        return self._index[1]

    async def resolve(self, text: str, kinds: Collection[EntityKind]) -> list[Mention]:
        """The names of ``kinds`` in ``text``, read exactly as questions are (ambiguous ones
        included), so other features ask back as the Q&A does; when running text names none,
        the text is looked up as one name typed on its own ("vejen" after a command)."""
        index = self._entity_index(await self._store.snapshot())
        mentions = index.find(text, kinds)
        if mentions:
            return mentions
        for kind in kinds:
            found = index.lookup(text, kind)
            if found is not None:
                return [found]
        return []

    async def respond(self, text: str, user: User | None = None) -> Reply:
        """The reply to one message; a database outage gets a clear "try again" answer."""
        try:
            return await self._respond(text, user or User())
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            log.warning("database unavailable while answering (%s)", type(error).__name__)
            return Reply(text=OUTAGE[detect_language(text)])

    async def _respond(self, text: str, user: User) -> Reply:
        text = text[:MAX_TEXT]
        command = recognise(text)
        if command is not None:
            name, lang = command
            overview = await self._store.overview()
            if name == "help":
                return help_reply(overview, self._clock().date(), lang, fixed=self._fixed_today)
            snapshot = await self._store.snapshot()
            return data_status_reply(overview, snapshot.deck_labels, self._clock(), lang)
        lang = detect_language(text)
        if not text.strip():
            return Reply(text=EMPTY[lang])
        snapshot = await self._store.snapshot()
        return await self._answer(text, lang, snapshot, user)

    async def _answer(self, text: str, lang: Language, snapshot: DataSnapshot, user: User) -> Reply:
        today = self._clock().date()
        if AUDIT.match(text):
            return await self._audit(text, lang, snapshot, user)
        period = find_period(text, today)
        searchable = _blank(text, period.span) if period else text
        index = self._entity_index(snapshot)
        mentions = _short_question_names(index, searchable, index.find(searchable))
        intent = classify(text, {m.kind for m in mentions}, period is not None)
        if intent is None:
            return not_understood(text, mentions, lang)
        ambiguous = next((m for m in mentions if m.ambiguous), None)
        if ambiguous is not None and intent is not Intent.WHOAMI:
            return ask_back(text, ambiguous, lang)
        if intent is Intent.MUNICIPALITY_OVERVIEW and _asks_something_else(searchable, mentions):
            # "Hvor mange indbyggere har Vejle?": a municipality, and a question the data
            # cannot answer — not that municipality's agreement list.
            return not_understood(text, mentions, lang, unanswerable=True)
        said = signals(text)
        ctx = Context(snapshot, today, lang, show_all=said.show_all)
        resolved: dict[str, list[str]] = {}
        for mention in mentions:
            if mention.resolved is not None:
                resolved.setdefault(mention.kind, []).append(mention.resolved.key)
        named = resolved.get("municipality", [])
        municipality: str | None = named[0] if named else None
        municipality_span = next(
            (m.span for m in mentions if m.kind == "municipality" and m.resolved is not None),
            None,
        )
        we = said.we and municipality is None
        profile: Profile | None = None
        if intent in (Intent.WHOAMI, Intent.FORGET_ME, Intent.REGISTER) or we:
            profile = await self._profiles.get(user.aad_object_id)
        if intent is Intent.WHOAMI:
            return whoami(profile, lang)
        if intent is Intent.FORGET_ME:
            return await self._forget(user, profile, lang)
        if intent is Intent.REGISTER:
            return await self._register(user, municipality, lang)
        if we and profile is not None:
            municipality = profile.municipality
        elif we and intent in NEEDS_MUNICIPALITY:
            return who_is_we(lang)
        if intent is Intent.SELF_REPORT:
            return await self._self_report(ctx, text, resolved, municipality, user)
        if municipality and said.about_one and intent in ABOUT_A_MUNICIPALITY:
            found = agreements.find_agreements(
                ctx,
                _blank(text, municipality_span) if municipality_span else text,
                resolved.get("solution", []),
                resolved.get("agreement", []),
                strict=True,
            )
            one = agreements.pick_one(found)
            if one is not None:
                reply = agreements.municipality_agreement_status(ctx, one, municipality)
                return with_age_note(reply, snapshot.latest_deck_day, today, lang)
            if 1 < len(found) <= 5:  # one of a few: which one? (never a guess that may be wrong)
                return ask_which_agreement(
                    text,
                    found,
                    snapshot,
                    lang,
                    lambda key: (
                        f"har {municipality} underskrevet {key}?"
                        if lang == "da"
                        else f"has {municipality} signed {key}?"
                    ),
                )
        if intent is Intent.DEADLINES and (
            resolved.get("agreement") or agreements.names_a_kind(text)
        ):
            # "Hvad er fristen for FLIS-databehandleraftalen?" asks when about one agreement;
            # when a few fit, which one (a signature list says nothing about whose deadline).
            found = agreements.find_agreements(
                ctx, text, resolved.get("solution", []), resolved.get("agreement", []), strict=True
            )
            if len(found) == 1:
                reply = agreements.who_agreement(ctx, found[0], signed=said.signed)
                return with_age_note(reply, snapshot.latest_deck_day, today, lang)
            if 1 < len(found) <= 5:
                return ask_which_agreement(
                    text,
                    found,
                    snapshot,
                    lang,
                    lambda key: (
                        f"hvad er fristen for {key}?" if lang == "da" else f"deadline of {key}?"
                    ),
                )
        reply = self._dispatch(intent, ctx, text, resolved, municipality, period, said)
        return with_age_note(reply, snapshot.latest_deck_day, today, lang)

    def _dispatch(
        self,
        intent: Intent,
        ctx: Context,
        text: str,
        resolved: dict[str, list[str]],
        municipality: str | None,
        period: Period | None,
        said: Signals,
    ) -> Reply:
        snapshot = ctx.snapshot
        solutions = resolved.get("solution", [])
        if len(solutions) > 1 and "klik" in solutions:
            # "which KLIK tasks does SAPA have?": KLIK names the task system, not the project.
            solutions = [s for s in solutions if s != "klik"]
        task_keys = resolved.get("task", [])
        lang = ctx.lang
        if (
            intent in (Intent.AGREEMENTS_FOR_MUNICIPALITY, Intent.MUNICIPALITY_OVERVIEW)
            and municipality
        ):
            return agreements.agreements_for_municipality(ctx, municipality)
        if intent is Intent.MUNICIPALITY_TASKS and municipality:
            return tasks.municipality_tasks(ctx, municipality)
        if intent in (
            Intent.WHO_AGREEMENT,
            Intent.SOLUTION_AGREEMENTS,
            Intent.AGREEMENTS_FOR_MUNICIPALITY,
        ):
            if intent is Intent.SOLUTION_AGREEMENTS and solutions:
                return agreements.solution_agreements(ctx, solutions[0])
            found = agreements.find_agreements(ctx, text, solutions, resolved.get("agreement", []))
            one = agreements.pick_one(found)
            if one is not None:
                regions = resolved.get("region", [])
                return agreements.who_agreement(
                    ctx,
                    one,
                    signed=said.signed,
                    region=regions[0] if regions else None,
                    count=said.count,
                )
            if found:
                return ask_which_agreement(text, found[:5], snapshot, lang)
            if solutions:
                return agreements.solution_agreements(ctx, solutions[0])
        if intent in (Intent.WHO_TASK, Intent.TASK_DETAILS) and task_keys:
            task = snapshot.tasks[task_keys[0]]
            return (
                tasks.who_task(ctx, task)
                if intent is Intent.WHO_TASK
                else tasks.task_details(ctx, task)
            )
        if intent is Intent.PROJECT_TASKS and solutions:
            return tasks.project_tasks(ctx, solutions[0])
        if intent is Intent.DEADLINES or (
            period is not None and intent is Intent.MUNICIPALITY_TASKS
        ):
            if period is not None:
                start, end, label = period.start, period.end, period.label(lang)
            else:
                start, end = ctx.today, ctx.today + dt.timedelta(days=30)
                label = ctx.t("de næste 30 dage", "in the next 30 days")
            return deadlines.deadlines(ctx, start, end, label, municipality)
        if intent is Intent.FROZEN_NEXT:
            return frozen.frozen_next(ctx)
        if intent is Intent.FROZEN_NOW:
            return frozen.frozen_now(ctx)
        if intent is Intent.FROZEN_BLOCKED:
            return frozen.frozen_blocked(ctx)
        meeting_intents = (
            Intent.MEETING_NEXT,
            Intent.MEETING_LAST,
            Intent.MEETING_AGENDA,
            Intent.MEETING_ACTIONS,
        )
        if intent in meeting_intents and period is not None and period.start <= ctx.today:
            # "mødet i marts 2024", "opgaver fra mødet i maj 2023": that meeting.
            return meetings.meeting_in_period(
                ctx,
                period.start,
                period.end,
                period.label(lang),
                actions=intent is Intent.MEETING_ACTIONS,
            )
        if intent is Intent.MEETING_NEXT:
            return meetings.meeting_next(ctx)
        if intent in (Intent.MEETING_LAST, Intent.MEETING_AGENDA):
            return meetings.meeting_last(ctx, agenda=intent is Intent.MEETING_AGENDA)
        if intent is Intent.MEETING_ACTIONS:
            return meetings.meeting_actions(ctx)
        if intent is Intent.VISITS:
            return meetings.visits(ctx, municipality)
        if intent is Intent.CONTACT:
            codes = [snapshot.solutions[s].code for s in solutions if s in snapshot.solutions]
            return people.contacts_for(ctx, text, codes)
        if intent is Intent.ROLLOUT_WHEN and municipality:
            return people.rollout_for_municipality(ctx, municipality, solutions)
        if intent is Intent.ROLLOUT_WAVE:
            match = _WAVE_CODE.search(text)
            if match:
                return people.rollout_wave(ctx, match.group(1).strip(), solutions)
        if municipality:
            return agreements.agreements_for_municipality(ctx, municipality)
        return not_understood(text, [], lang)

    async def _audit(self, text: str, lang: Language, snapshot: DataSnapshot, user: User) -> Reply:
        """``log for Vejle`` / ``log i dag``: the audit log, for KOMBIT admins only."""
        # "log for Vejle" is KOMBIT's Danish; only English words make it English.
        lang = "en" if re.search(r"\b(?:change log|audit|today)\b", text, re.I) else "da"
        if not self._is_admin(user.aad_object_id):
            return Reply(
                text="Ændringsloggen kan kun ses af KOMBIT-administratorer."
                if lang == "da"
                else "Only KOMBIT admins can see the change log."
            )
        ctx = Context(snapshot, self._clock().date(), lang)
        kinds: tuple[EntityKind, ...] = ("municipality",)
        mentions = self._entity_index(snapshot).find(text, kinds=kinds)
        municipality = next((m.resolved.key for m in mentions if m.resolved is not None), None)
        since = None
        if TODAY.search(text):
            now = self._clock()
            since = now.replace(hour=0, minute=0, second=0, microsecond=0)
        lines = await self._audit_log.entries(municipality=municipality, since=since)
        title = (
            ctx.t("Ændringslog", "Change log")
            + (f" – {municipality}" if municipality else "")
            + (ctx.t(" – i dag", " – today") if since else "")
        )
        answer = Answer(title=title, lang=lang, limit=None if ctx.show_all else 20)
        if not lines:
            answer.intro = ctx.t("Ingen ændringer.", "No changes.")
        tz = self._clock().tzinfo
        answer.section("", [audit_line(line, ctx, tz) for line in lines])
        return answer.reply()

    async def _self_report(
        self,
        ctx: Context,
        text: str,
        resolved: dict[str, list[str]],
        municipality: str | None,
        user: User,
    ) -> Reply:
        if municipality is None:
            profile = await self._profiles.get(user.aad_object_id)
            municipality = profile.municipality if profile else None
        if municipality is None:
            return who_is_we(ctx.lang)
        if not self._is_admin(user.aad_object_id):
            profile = await self._profiles.get(user.aad_object_id)
            if profile is None or profile.municipality != municipality:
                own = f" ({profile.municipality})" if profile else ""
                return Reply(
                    text=ctx.t(
                        f"Du kan kun indberette status for den kommune, du er programleder i{own}.",
                        f"You can only report status for the municipality you lead{own}.",
                    )
                )
        parsed = parse_change(
            ctx,
            text,
            municipality,
            resolved.get("task", []),
            resolved.get("solution", []),
            resolved.get("agreement", []),
        )
        if isinstance(parsed, Problem):
            return Reply(text=parsed.text)
        if isinstance(parsed, list):
            return ask_which(text, parsed, "agreement", ctx.lang, lambda key: f"{text} {key}")
        actor = Actor(user.aad_object_id, user.name, user.conversation_id)
        action_id = await self._updates.propose(parsed, actor, self._clock())
        return confirmation_card(parsed, action_id, ctx)

    async def card_action(self, value: dict[str, object], user: User) -> Reply | None:
        """Bekræft / Fortryd / Fortryd ændringen on our cards; None if ``value`` is not one."""
        try:
            return await self._card_action(value, user)
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            log.warning("database unavailable during a card action (%s)", type(error).__name__)
            return Reply(text=OUTAGE["da"])

    async def _card_action(self, value: dict[str, object], user: User) -> Reply | None:
        kind = value.get("kombitbot")
        snapshot = await self._store.snapshot()
        ctx = Context(snapshot, self._clock().date(), "da")
        actor = Actor(user.aad_object_id, user.name, user.conversation_id)
        try:
            if kind in (CONFIRM, CANCEL):
                action_id = value.get("id")
                if not isinstance(action_id, str) or len(action_id) != 36:
                    return Reply(text=REFUSED["unknown"]["da"])
                if kind == CANCEL:
                    await self._updates.cancel(action_id, actor)
                    return Reply(text="Fortrudt – intet er ændret.")
                applied = await self._updates.confirm(action_id, actor, self._clock())
                self._store.invalidate()
                self._status_changed(applied.change.target, applied.change.key)
                return saved_reply(applied.change, applied.audit_id, ctx)
            if kind == UNDO:
                audit_id = value.get("audit")
                if not isinstance(audit_id, int) or isinstance(audit_id, bool):
                    return Reply(text=REFUSED["unknown"]["da"])
                undone = await self._updates.undo(
                    audit_id, actor, self._clock(), is_admin=self._is_admin(user.aad_object_id)
                )
                self._store.invalidate()
                self._status_changed(undone.change.target, undone.change.key)
                return undone_reply(undone.change, ctx)
        except UpdateRefused as refused:
            return Reply(text=REFUSED[refused.reason]["da"])
        return None

    async def _register(self, user: User, municipality: str | None, lang: Language) -> Reply:
        if municipality is None:
            return who_is_we(lang)
        if not user.aad_object_id:
            return Reply(text=NO_IDENTITY[lang])
        await self._profiles.register(
            user.aad_object_id,
            name=user.name,
            teams_user_id=user.teams_user_id,
            municipality=municipality,
            now=self._clock(),
        )
        if lang == "da":
            text = (
                f"Noteret: du er programleder i {municipality}. Nu betyder »vi«, »os« og »vores« "
                f"{municipality} – prøv »hvad mangler vi?«. Skriv »hvem er jeg?« for at se det, "
                "eller »jeg er programleder i …« for at skifte."
            )
        else:
            text = (
                f"Noted: you are programme leader for {municipality}. Now »we«, »us« and »our« mean "
                f"{municipality} – try »what are we missing?«. Type »who am I?« to see it, or "
                "»I am programme leader for …« to change it."
            )
        return Reply(text=text)

    async def _forget(self, user: User, profile: Profile | None, lang: Language) -> Reply:
        if profile is None or not await self._profiles.forget(user.aad_object_id):
            return Reply(
                text="Jeg har ingen profil for dig."
                if lang == "da"
                else "I have no profile for you."
            )
        return Reply(
            text="Jeg har glemt din kommune."
            if lang == "da"
            else "I have forgotten your municipality."
        )


# Intents where "vi"/"we" must mean a municipality; elsewhere ("hvad kan vi ikke i frozen
# zone?") it is just a way of speaking.
NEEDS_MUNICIPALITY = frozenset(
    {
        Intent.AGREEMENTS_FOR_MUNICIPALITY,
        Intent.MUNICIPALITY_OVERVIEW,
        Intent.MUNICIPALITY_TASKS,
        Intent.ROLLOUT_WHEN,
        Intent.SELF_REPORT,
    }
)

# Intents where a named municipality and one named agreement ask for that municipality's
# status on it ("Har Odense skrevet under på FLIS-databehandleraftalen?").
ABOUT_A_MUNICIPALITY = frozenset(
    {Intent.AGREEMENTS_FOR_MUNICIPALITY, Intent.MUNICIPALITY_OVERVIEW, Intent.WHO_AGREEMENT}
)

OUTAGE: dict[Language, str] = {
    "da": "Jeg kan ikke slå det op lige nu – prøv igen om lidt.",
    "en": "I can't look that up right now – please try again in a moment.",
}
EMPTY: dict[Language, str] = {
    "da": "Skriv **hjælp** for at se, hvad jeg kan.",
    "en": "Type **help** to see what I can do.",
}
NO_IDENTITY: dict[Language, str] = {
    "da": "Jeg kan ikke se, hvem du er (Teams sendte ingen bruger-id), så jeg kan ikke gemme det.",
    "en": "I cannot see who you are (Teams sent no user id), so I cannot store that.",
}


AUDIT = re.compile(
    r"^\s*(?:vis )?(?:log|ændringslog|aendringslog|audit(?: log)?|change log)\b", re.I
)
TODAY = re.compile(r"\b(?:i dag|today)\b", re.I)


def audit_line(line: AuditLine, ctx: Context, tz: dt.tzinfo | None) -> str:
    """ "25.11.2025 10:00 – Mette: Vejle, FLIS: Databehandleraftale … ukendt → underskrevet"."""
    when = line.at.astimezone(tz).strftime("%d.%m.%Y %H:%M")
    if line.imported is not None:  # "… – Mette: import af agreements.csv (12 rækker, 3 nye …)"
        n = line.imported
        rows = f"{n.rows} " + (ctx.t("række", "row") if n.rows == 1 else ctx.t("rækker", "rows"))
        changes = (
            ctx.t(
                f"{n.inserted} nye, {n.updated} ændrede", f"{n.inserted} new, {n.updated} updated"
            )
            if n.inserted or n.updated
            else ctx.t("ingen ændringer", "no changes")
        )
        what = ctx.t("import af", "import of")
        return f"{when} – {line.actor}: {what} {line.entity_key} ({rows}, {changes})"
    if line.entity == "poll":  # "… – Mette: åbnede afstemningen »Frokost?«"
        verb = (
            ctx.t("åbnede afstemningen", "opened the poll")
            if line.action == "poll_open"
            else ctx.t("lukkede afstemningen", "closed the poll")
        )
        return f"{when} – {line.actor}: {verb} »{line.title}«"
    if line.entity == "reminders":  # "… – Mette: satte påmindelserne på pause"
        verb = {
            "reminders_pause": ctx.t("satte påmindelserne på pause", "paused the reminders"),
            "reminders_resume": ctx.t("genoptog påmindelserne", "resumed the reminders"),
        }.get(
            line.action,
            ctx.t(
                f"sendte påmindelserne for {line.entity_key}",
                f"sent the reminders for {line.entity_key}",
            ),
        )
        return f"{when} – {line.actor}: {verb}"
    if line.entity == "agreement" and line.entity_key in ctx.snapshot.agreements:
        name = agreement_name(ctx.snapshot.agreements[line.entity_key], ctx.snapshot)
        words = SIGNATURE_WORDS
    elif line.entity_key in ctx.snapshot.tasks:
        name = task_name(ctx.snapshot.tasks[line.entity_key], ctx.snapshot)
        words = TASK_WORDS
    else:
        name, words = line.entity_key, SIGNATURE_WORDS
    unknown = words["unknown"][ctx.lang]
    before = words.get(line.before, {}).get(ctx.lang, unknown) if line.before else unknown
    after = words.get(line.after, {}).get(ctx.lang, unknown) if line.after else unknown
    kind = ctx.t(" (fortrydelse)", " (undo)") if line.action == "undo" else ""
    undone = ctx.t(" – senere fortrudt", " – later undone") if line.undone else ""
    return f"{when} – {line.actor}{kind}: {line.municipality}, {name}: {before} → {after}{undone}"


def whoami(profile: Profile | None, lang: Language) -> Reply:
    if profile is None:
        if lang == "da":
            return Reply(
                text="Jeg ved ikke, hvilken kommune du er fra. Skriv fx »jeg er programleder i Vejle«."
            )
        return Reply(
            text="I don't know your municipality yet. Write e.g. »I am programme leader for Vejle«."
        )
    if lang == "da":
        return Reply(
            text=f"Du er registreret som programleder i {profile.municipality} (siden {profile.updated_at:%d.%m.%Y})."
        )
    return Reply(
        text=f"You are registered as programme leader for {profile.municipality} (since {profile.updated_at:%d %b %Y})."
    )


def who_is_we(lang: Language) -> Reply:
    if lang == "da":
        return Reply(
            text="Hvem er »vi«? Fortæl mig først, hvilken kommune du er programleder for – skriv fx »jeg er programleder i Vejle«."
        )
    return Reply(
        text="Who is »we«? First tell me which municipality you lead – e.g. »I am programme leader for Vejle«."
    )


def ask_back(text: str, mention: Mention, lang: Language) -> Reply:
    """ "Mente du Vejle eller Vejen?" – each button asks the original question with that name."""
    choices = [c.record for c in mention.candidates][:5]
    names = [c.display for c in choices]
    joined = " eller ".join(names) if lang == "da" else " or ".join(names)
    question = f"Mente du {joined}?" if lang == "da" else f"Did you mean {joined}?"
    actions = [
        ask_action(
            choice.display[:60],
            text[: mention.span[0]]
            + _replacement(mention, choice.key, choice.display)
            + text[mention.span[1] :],
        )
        for choice in choices
    ]
    fallback = question
    body = [text_block(escape(question), weight="Bolder")]
    return Reply(text=fallback, card=card(body, fallback_text=fallback, actions=actions))


def ask_which(
    text: str,
    choices: list[tuple[str, str]],
    kind: str,
    lang: Language,
    question_for: Callable[[str], str] | None = None,
) -> Reply:
    """Several agreements fit: one button each, asking again with that agreement named."""
    question = "Hvilken aftale mener du?" if lang == "da" else "Which agreement do you mean?"
    if kind != "agreement":
        question = "Hvilken mener du?" if lang == "da" else "Which one do you mean?"
    ask = "hvem mangler at underskrive" if lang == "da" else "who has not signed"
    rewrite = question_for or (lambda key: f"{ask} {key}")
    actions = [ask_action(display[:60], rewrite(key)) for key, display in choices]
    body = [text_block(escape(question), weight="Bolder")]
    return Reply(
        text=question + "\n" + "\n".join(f"- {d}" for _k, d in choices),
        card=card(body, fallback_text=question, actions=actions),
    )


def ask_which_agreement(
    text: str,
    found: Sequence[Agreement],
    snapshot: DataSnapshot,
    lang: Language,
    question_for: Callable[[str], str] | None = None,
) -> Reply:
    """Several agreements fit: a button each, named as people know them."""
    choices = [(a.key, agreement_name(a, snapshot)) for a in found]
    return ask_which(text, choices, "agreement", lang, question_for)


def _task_word(record: EntityRecord) -> str:
    """How a user names a task: its code ("ADG_0"), never its internal key."""
    codes = [name for name in record.names if name != record.key]
    return codes[0] if codes else record.display


def not_understood(
    text: str, mentions: list[Mention], lang: Language, *, unanswerable: bool = False
) -> Reply:
    """Never a bare "I don't understand": suggestions built from what the question named.
    ``unanswerable``: the question was understood well enough to know the data cannot answer
    it (it names a municipality and asks something else), and the reply says so."""
    suggestions: list[str] = []
    for mention in mentions:
        record = mention.resolved
        if record is None:
            continue
        if record.kind == "municipality":
            suggestions += [
                f"Hvilke aftaler mangler {record.display} at underskrive?"
                if lang == "da"
                else f"Which agreements does {record.display} still need to sign?",
                f"Hvilke KLIK-opgaver har {record.display}?"
                if lang == "da"
                else f"Which KLIK tasks does {record.display} have?",
            ]
        elif record.kind == "solution":
            suggestions.append(
                f"Hvilke KLIK-opgaver har {record.display}?"
                if lang == "da"
                else f"Which KLIK tasks does {record.display} have?"
            )
        elif record.kind == "task":
            suggestions.append(
                f"Status på {_task_word(record)}"
                if lang == "da"
                else f"Status of {_task_word(record)}"
            )
    from rapidfuzz import fuzz, process

    for example, _score, _i in process.extract(
        text, EXAMPLES[lang], scorer=fuzz.token_set_ratio, limit=3
    ):
        if example not in suggestions:
            suggestions.append(example)
    suggestions = suggestions[:4]
    title = (
        "Det forstod jeg ikke helt. Mente du …?"
        if lang == "da"
        else "I did not quite get that. Did you mean …?"
    )
    if unanswerable:
        title = (
            "Det kan jeg ikke svare på: jeg kender KOMBITs KLIK-opgaver, aftaler, frozen zones, "
            "møder og kontakter. Det kan jeg svare på:"
            if lang == "da"
            else "I cannot answer that: I know KOMBIT's KLIK tasks, agreements, frozen zones, "
            "meetings and contacts. This I can answer:"
        )
    more = (
        "Skriv »hjælp« for flere eksempler." if lang == "da" else "Type »help« for more examples."
    )
    answer = Answer(title=title, lang=lang, limit=None, notes=[more])
    answer.buttons = [(suggestion, suggestion) for suggestion in suggestions]
    listed = "\n".join(f"- {suggestion}" for suggestion in suggestions)
    return Reply(text=f"{title}\n{listed}\n{more}", card=answer.reply().card)
