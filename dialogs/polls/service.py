"""What the bot does with poll commands and poll buttons: decide, store, build the card.

Independent of Bot Framework types: the bot edge (:mod:`bot.teams_bot`) passes where the
message came from (:class:`Where`) and who sent it, and carries out the outcome — post a new
poll card, answer the voter, update the posted card (:mod:`bot.live_cards`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dialogs.polls import cards
from dialogs.polls.commands import (
    OpenForm,
    PollAction,
    PollCommand,
    PollProblem,
    StartPoll,
    usage,
    validate_choice_poll,
)
from dialogs.polls.export import to_csv, to_xlsx
from dialogs.reply import Language, Reply
from store.polls import (
    CloseRefused,
    OptionSpec,
    Origin,
    PollSpec,
    PollStore,
    PollView,
    QuestionSpec,
    Voter,
    VoteRefused,
)
from store.repository import Store

log = logging.getLogger(__name__)

MAX_ID = 64


@dataclass(frozen=True, slots=True)
class Where:
    """The conversation a command or click came from (from the activity)."""

    conversation_id: str
    conversation_type: str = ""
    tenant_id: str = ""
    teams_meeting_id: str = ""
    conversation_reference: str = ""  # JSON
    personal: bool = False


@dataclass(frozen=True, slots=True)
class PostPoll:
    """Post this new poll's card, then tell :meth:`PollDialogs.posted` its activity id."""

    poll: PollView
    reply: Reply


@dataclass(frozen=True, slots=True)
class OfferFiles:
    """Offer the export as files (Teams file consent cards) in personal chat."""

    poll: PollView
    formats: tuple[str, ...]
    reply: Reply


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """A click on a poll card: what the clicker is told, and which poll's card is now behind."""

    text: str
    changed_poll: str | None = None
    post: PostPoll | None = None


Outcome = Reply | PostPoll | OfferFiles | ActionOutcome

REFUSALS: dict[str, dict[Language, str]] = {
    "unknown": {
        "da": "Den afstemning kender jeg ikke. Din stemme er ikke talt med.",
        "en": "I don't know that poll. Your vote was not counted.",
    },
    "other_conversation": {
        "da": "Den afstemning hører til en anden chat. Din stemme er ikke talt med.",
        "en": "That poll belongs to another chat. Your vote was not counted.",
    },
    "closed": {
        "da": "Afstemningen er lukket – din stemme er ikke talt med.",
        "en": "The poll is closed – your vote was not counted.",
    },
    "bad_choice": {
        "da": "Det svar kan jeg ikke bruge (vælg en af svarmulighederne). Intet er talt med.",
        "en": "I can't use that answer (choose one of the options). Nothing was counted.",
    },
    "unchangeable": {
        "da": "Din stemme er talt med, men kan ikke ændres længere.",
        "en": "Your vote is counted but can no longer be changed.",
    },
    "no_identity": {
        "da": "Teams sendte ikke, hvem du er, så jeg kan ikke tælle din stemme.",
        "en": "Teams did not say who you are, so I cannot count your vote.",
    },
}


def _t(lang: Language, da: str, en: str) -> str:
    return da if lang == "da" else en


class PollDialogs:
    """Poll commands and clicks; the store and the clock are passed in."""

    def __init__(
        self,
        polls: PollStore,
        store: Store,
        clock: Callable[[], dt.datetime],
        is_admin: Callable[[str], bool],
    ) -> None:
        self._polls = polls
        self._store = store
        self._clock = clock
        self._is_admin = is_admin

    def now(self) -> dt.datetime:
        return self._clock()

    @property
    def tz(self) -> dt.tzinfo:
        return self._clock().tzinfo or dt.UTC

    def card_for(self, poll: PollView) -> Reply:
        return cards.poll_card(poll, self._clock(), self.tz, poll.lang)

    async def command(self, command: PollCommand, where: Where, user: Voter) -> Outcome:
        lang = command.lang if not isinstance(command, PollProblem) else "da"
        if isinstance(command, PollProblem):
            return Reply(text=command.text)
        if isinstance(command, OpenForm):
            if not self._is_admin(user.aad_object_id):
                return Reply(text=NOT_ADMIN[lang])
            return cards.form_card(lang, command.options)
        if isinstance(command, StartPoll):
            if not self._is_admin(user.aad_object_id):
                return Reply(text=NOT_ADMIN[lang])
            return await self._start(command.spec, where, user)
        assert isinstance(command, PollAction)
        return await self._action(command, where, user)

    async def _start(self, spec: PollSpec, where: Where, user: Voter) -> PostPoll:
        meeting_key = await self._todays_meeting()
        poll = await self._polls.create(
            spec,
            Origin(
                conversation_id=where.conversation_id,
                created_by_aad=user.aad_object_id,
                created_by_name=user.name,
                tenant_id=where.tenant_id,
                conversation_type=where.conversation_type,
                conversation_reference=where.conversation_reference,
                teams_meeting_id=where.teams_meeting_id,
                meeting_key=meeting_key,
            ),
            self._clock(),
        )
        return PostPoll(poll, self.card_for(poll))

    async def _todays_meeting(self) -> str:
        """Today's programme-leader meeting in the data, if there is one on exactly today."""
        today = self._clock().date()
        snapshot = await self._store.snapshot()
        for meeting in snapshot.meetings.values():
            date = meeting.date
            if date is not None and date.is_exact and date.earliest == today:
                return meeting.key
        return ""

    async def posted(self, poll_id: str, activity_id: str) -> None:
        await self._polls.posted(poll_id, activity_id)

    async def discard(self, poll_id: str) -> None:
        await self._polls.discard(poll_id)

    async def _action(self, command: PollAction, where: Where, user: Voter) -> Outcome:
        lang = command.lang
        now = self._clock()
        if command.action == "close":
            poll = await self._polls.latest(where.conversation_id)
            if poll is None or poll.is_closed(now):
                return Reply(
                    text=_t(
                        lang,
                        "Der er ingen åben afstemning i denne chat.",
                        "There is no open poll in this chat.",
                    )
                )
            return await self._close(poll.id, user, lang)
        if command.action == "results":
            poll = await self._polls.latest(where.conversation_id)
            if poll is None:
                return Reply(
                    text=_t(
                        lang,
                        "Der har ikke været nogen afstemning i denne chat.",
                        "There has been no poll in this chat.",
                    )
                )
            return cards.results_reply(
                [poll], now, self.tz, lang, _t(lang, "Resultater", "Results")
            )
        if command.action == "meeting_results":
            local = now.astimezone(self.tz)
            start = local.replace(hour=0, minute=0, second=0, microsecond=0)
            polls = await self._polls.of_meeting(
                teams_meeting_id=where.teams_meeting_id,
                conversation_id=where.conversation_id,
                day_start=start,
                day_end=start + dt.timedelta(days=1),
            )
            if not polls:
                return Reply(
                    text=_t(
                        lang,
                        "Der har ikke været afstemninger på dagens møde.",
                        "There have been no polls in today's meeting.",
                    )
                )
            return cards.results_reply(
                polls,
                now,
                self.tz,
                lang,
                _t(
                    lang,
                    f"Resultater fra mødet ({len(polls)} afstemninger)",
                    f"Results from the meeting ({len(polls)} polls)",
                ),
            )
        if command.action == "trend":
            return await self._trend(lang)
        return await self._export(command, where, user)

    async def _trend(self, lang: Language, meetings: int = 6) -> Reply:
        polls = list(reversed(await self._polls.recent("evaluation", meetings)))
        snapshot = await self._store.snapshot()
        rows: list[tuple[str, dict[str, tuple[float, int]]]] = []
        for poll in polls:
            meeting = snapshot.meetings.get(poll.meeting_key)
            label = (
                meeting.label
                if meeting
                else poll.created_at.astimezone(self.tz).strftime("%d.%m.%Y")
            )
            means = {
                q.text: mean for q in poll.questions if (mean := cards.mean_score(q)) is not None
            }
            if means:
                rows.append((label, means))
        return cards.trend_reply(rows, lang)

    async def _export(self, command: PollAction, where: Where, user: Voter) -> Outcome:
        lang = command.lang
        if not where.personal:
            return Reply(
                text=_t(
                    lang,
                    "Eksporten sendes som fil i en personlig chat: skriv »eksportér afstemning« til mig dér.",
                    "The export is sent as a file in a personal chat: write »export poll« to me there.",
                )
            )
        poll = await self._polls.latest_created_by(user.aad_object_id)
        if poll is None:
            return Reply(
                text=_t(
                    lang,
                    "Du har ikke startet nogen afstemning, som jeg kan eksportere.",
                    "You have not started a poll I can export.",
                )
            )
        formats = (command.detail,) if command.detail else ("xlsx", "csv")
        text = _t(
            lang,
            f"Her er resultaterne af »{poll.title}« – acceptér filen for at gemme den i din OneDrive.",
            f"Here are the results of »{poll.title}« – accept the file to save it to your OneDrive.",
        )
        return OfferFiles(poll, formats, Reply(text=text))

    async def export_file(self, poll_id: str, fmt: str, user: Voter) -> tuple[str, bytes] | None:
        """The export file, if ``user`` may have it (the creator or an admin)."""
        poll = await self._polls.get(poll_id)
        if poll is None or fmt not in ("csv", "xlsx"):
            return None
        if poll.created_by_aad != user.aad_object_id and not self._is_admin(user.aad_object_id):
            return None
        votes = await self._polls.named_votes(poll_id)
        tz = self.tz
        data = to_csv(poll, votes, tz) if fmt == "csv" else to_xlsx(poll, votes, tz)
        stamp = poll.created_at.astimezone(tz).strftime("%Y-%m-%d-%H%M")
        return f"afstemning-{stamp}.{fmt}", data

    async def card_action(
        self, data: dict[str, Any], where: Where, user: Voter
    ) -> ActionOutcome | None:
        """A click on a poll card (Execute or Submit); None if ``data`` is not a poll action."""
        kind = data.get("kombitbot")
        if kind == cards.VOTE:
            return await self._vote(data, where, user)
        if kind == cards.CLOSE:
            poll_id = data.get("poll")
            if not isinstance(poll_id, str) or len(poll_id) > MAX_ID:
                return ActionOutcome(REFUSALS["unknown"]["da"])
            poll = await self._polls.get(poll_id)
            if poll is None or poll.conversation_id != where.conversation_id:
                return ActionOutcome(REFUSALS["unknown"]["da"])
            return await self._close(poll_id, user, poll.lang)
        if kind == cards.CREATE:
            return await self._create_from_form(data, where, user)
        return None

    async def _close(self, poll_id: str, user: Voter, lang: Language) -> ActionOutcome:
        try:
            poll = await self._polls.close(
                poll_id, user, self._clock(), is_admin=self._is_admin(user.aad_object_id)
            )
        except CloseRefused as refused:
            text = {
                "unknown": REFUSALS["unknown"][lang],
                "not_yours": _t(
                    lang,
                    "Kun den, der startede afstemningen, eller en KOMBIT-administrator kan lukke den.",
                    "Only the person who started the poll or a KOMBIT admin can close it.",
                ),
                "closed": _t(
                    lang, "Afstemningen er allerede lukket.", "The poll is already closed."
                ),
            }[refused.reason]
            return ActionOutcome(text)
        return ActionOutcome(
            _t(
                lang,
                f"Afstemningen er lukket: {poll.voters} har stemt.",
                f"The poll is closed: {poll.voters} voted.",
            ),
            changed_poll=poll_id,
        )

    async def _vote(self, data: dict[str, Any], where: Where, user: Voter) -> ActionOutcome:
        poll_id = data.get("poll")
        if not isinstance(poll_id, str) or not poll_id or len(poll_id) > MAX_ID:
            return ActionOutcome(REFUSALS["unknown"]["da"])
        choices = _choices(data)
        if choices is None:
            return ActionOutcome(REFUSALS["bad_choice"]["da"])
        try:
            receipt = await self._polls.vote(
                poll_id, where.conversation_id, user, choices, self._clock()
            )
        except VoteRefused as refused:
            return ActionOutcome(REFUSALS[refused.reason]["da"])
        poll_lang: Language = receipt.lang
        parts = [", ".join(labels) for _q, labels in receipt.choices]
        if len(parts) == 1:
            text = _t(poll_lang, f"Din stemme: {parts[0]}", f"Your vote: {parts[0]}")
            text += _t(
                poll_lang,
                " – du kan ændre den, indtil afstemningen lukker.",
                " – you can change it until the poll closes.",
            )
        else:
            text = _t(
                poll_lang,
                f"Dine svar er gemt ({len(parts)} udsagn) – du kan ændre dem, indtil "
                "afstemningen lukker.",
                f"Your answers are saved ({len(parts)} statements) – you can change them until "
                "the poll closes.",
            )
        return ActionOutcome(text, changed_poll=poll_id)

    async def _create_from_form(
        self, data: dict[str, Any], where: Where, user: Voter
    ) -> ActionOutcome:
        lang: Language = "en" if data.get("lang") == "en" else "da"
        if not self._is_admin(user.aad_object_id):
            return ActionOutcome(NOT_ADMIN[lang])
        question = data.get("question")
        options_text = data.get("options")
        if not isinstance(question, str) or not isinstance(options_text, str):
            return ActionOutcome(
                _t(
                    lang,
                    "Udfyld spørgsmål og svarmuligheder. ",
                    "Fill in the question and options. ",
                )
                + usage(lang)
            )
        options = [
            o.strip() for line in options_text.splitlines() for o in line.split(";") if o.strip()
        ]
        checked = validate_choice_poll(question, options, lang)
        if isinstance(checked, PollProblem):
            return ActionOutcome(checked.text)
        title, chosen = checked
        closes_at = None
        minutes = data.get("minutes")
        if minutes not in (None, ""):
            try:
                count = int(float(str(minutes)))
            except ValueError:
                count = 0
            if not 1 <= count <= 10080:
                return ActionOutcome(
                    _t(
                        lang,
                        "»Luk efter« skal være 1–10080 minutter.",
                        "»Close after« must be 1–10080 minutes.",
                    )
                )
            closes_at = self._clock() + dt.timedelta(minutes=count)
        spec = PollSpec(
            kind="choice",
            lang=lang,
            title=title,
            questions=(QuestionSpec(title, tuple(OptionSpec(o) for o in chosen)),),
            multiple=data.get("mode") == "multiple",
            anonymous=data.get("identity") != "named",
            results_hidden=data.get("results") == "hidden",
            closes_at=closes_at,
        )
        post = await self._start(spec, where, user)
        return ActionOutcome(
            _t(lang, "Afstemningen er startet.", "The poll has started."), post=post
        )


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 12:
        return int(value)
    return None


def _choices(data: dict[str, Any]) -> dict[int, list[int]] | None:
    """The choices a click carries: a button's ``q``/``o``, or the card's ``q<id>`` inputs.

    Anything malformed is None (refused); ids are checked against the poll by the store.
    """
    if "q" in data or "o" in data:
        question, option = _int(data.get("q")), _int(data.get("o"))
        if question is None or option is None:
            return None
        return {question: [option]}
    choices: dict[int, list[int]] = {}
    for key, value in data.items():
        if not (isinstance(key, str) and key.startswith("q") and key[1:].isdigit()):
            continue
        if value in (None, ""):
            continue  # a statement left unanswered keeps its earlier answer
        if not isinstance(value, str) or len(value) > 200:
            return None
        options = [_int(part.strip()) for part in value.split(",")]
        if any(o is None for o in options):
            return None
        choices[int(key[1:])] = [o for o in options if o is not None]
    return choices or None


NOT_ADMIN: dict[Language, str] = {
    "da": "Kun KOMBIT-administratorer kan starte afstemninger.",
    "en": "Only KOMBIT admins can start polls.",
}
