"""From a message's text to a reply: understand, rank, answer.

The text is understood once (:func:`dialogs.questions.understanding.understand`: period, names,
cues), every declared question type is scored against it (:mod:`dialogs.questions.ranker`) and
the best one answers. A name that could mean two things is asked back, never guessed; two
question types that fit equally well are offered as buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from dialogs.answer import Answer
from dialogs.answers.common import SIGNATURE_WORDS, TASK_WORDS, Context, agreement_name, task_name
from dialogs.cards import ask_action, card, escape, text_block
from dialogs.data_status import data_status_reply
from dialogs.entities import EntityIndex, EntityKind, Mention
from dialogs.freshness import with_age_note
from dialogs.help import help_reply
from dialogs.index import build_index
from dialogs.language import detect_language
from dialogs.questions.asking import ask_back, ask_which, not_understood
from dialogs.questions.catalogue import Asked, DataWords, with_data_names
from dialogs.questions.ranker import Ranked, examples, near_tie, ranked, suggestion
from dialogs.questions.understanding import Understanding, understand
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
from store.audit import AuditLine, AuditLog
from store.db import is_database_unavailable
from store.profiles import Profile, Profiles
from store.repository import Store
from store.snapshot import DataSnapshot
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
        self._index: tuple[int, EntityIndex, DataWords] | None = None

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
        return self._prepared(snapshot)[0]

    def _prepared(self, snapshot: DataSnapshot) -> tuple[EntityIndex, DataWords]:
        """The names and the data's words, built once per data version."""
        if self._index is None or self._index[0] != snapshot.version:
            self._index = (snapshot.version, build_index(snapshot), DataWords.of(snapshot))
        return self._index[1], self._index[2]

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
        index, words = self._prepared(snapshot)
        u = with_data_names(understand(text, index, today), words)
        lang = u.lang
        candidates = ranked(u)
        top = candidates[0].answer.name if candidates else None
        ambiguous = u.ambiguous
        if ambiguous is not None and top not in ("whoami", "forget_me"):
            return ask_back(u.text, ambiguous, lang)
        named = [m for m in u.mentions if m.resolved is not None]
        if not candidates:
            # Names understood and nothing that answers them: say so, never answer another
            # question ("Hvor mange indbyggere har Vejle?" is not Vejle's agreement list).
            return not_understood(
                u.text,
                named,
                lang,
                list(examples(lang)),
                unanswerable=bool(named) or u.has("beyond"),
            )
        if near_tie(candidates):
            offered = _did_you_mean(u, candidates[:2], lang)
            if offered is not None:
                return offered
        municipality = u.first("municipality")
        profile: Profile | None = None
        if top in ("whoami", "forget_me", "register") or (u.has("we") and municipality is None):
            profile = await self._profiles.get(user.aad_object_id)
        if top == "whoami":
            return whoami(profile, lang)
        if top == "forget_me":
            return await self._forget(user, profile, lang)
        if top == "register":
            return await self._register(user, municipality, lang)
        if municipality is None and profile is not None and u.has("we"):
            municipality = profile.municipality
        ctx = Context(snapshot, today, lang, show_all=u.has("show_all"))
        if top == "self_report":
            return await self._self_report(ctx, u, municipality, user)
        asked = Asked(u, ctx, municipality, words)
        for candidate in candidates:
            answer = candidate.answer
            if answer.answer is None:
                continue
            if "municipality" in answer.needs and municipality is None:
                return who_is_we(lang)  # "vi" with no municipality registered
            reply = answer.answer(asked)
            if reply is not None:
                return with_age_note(reply, snapshot.latest_deck_day, today, lang)
        return not_understood(u.text, named, lang, list(examples(lang)), unanswerable=bool(named))

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
        self, ctx: Context, u: Understanding, municipality: str | None, user: User
    ) -> Reply:
        text = u.text
        read = f"{text}\n{u.words}"  # with typos in ordinary words repaired ("fuldøfrt")
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
            read,
            municipality,
            u.keys("task"),
            u.keys("solution"),
            u.keys("agreement"),
        )
        if isinstance(parsed, Problem):
            return Reply(text=parsed.text)
        if isinstance(parsed, list):
            return ask_which(parsed, "agreement", ctx.lang, lambda key: f"{text} {key}")
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


def _did_you_mean(u: Understanding, two: list[Ranked], lang: Language) -> Reply | None:
    """Two question types fit equally well: "Mente du …?" with a button for each, the type's
    example filled with the question's own names; None when an example cannot be filled."""
    questions = [suggestion(r.answer, u, lang) for r in two]
    options = [q for q in questions if q is not None]
    if len(options) < 2:
        return None
    title = "Mente du …?" if lang == "da" else "Did you mean …?"
    actions = [ask_action(q[:60], q) for q in options]
    fallback = title + "\n" + "\n".join(f"- {q}" for q in options)
    body = [text_block(escape(title), weight="Bolder")]
    return Reply(text=fallback, card=card(body, fallback_text=title, actions=actions))
