"""Self-service updates: "vi har underskrevet FLIS-databehandleraftalen", "K49 er fuldført".

Parsing is pure (what change does the message propose?); the router stores the proposal and
the person confirms it on a card (Bekræft / Fortryd) before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from dialogs.answers.agreements import find_agreements
from dialogs.answers.common import Context, agreement_name, task_name
from dialogs.cards import card, escape, text_block
from dialogs.reply import Language, Reply
from store.updates import StatusChange

CONFIRM = "confirm"
CANCEL = "cancel"
UNDO = "undo"

_SIGNED = re.compile(r"underskrevet|skrevet under|signed", re.I)
_NOT_STARTED = re.compile(r"ikke p(?:å|aa|a)begyndt|not started", re.I)
_STARTED = re.compile(r"p(?:å|aa|a)begyndt|started|i gang", re.I)
_COMPLETED = re.compile(
    r"fuldf(?:ø|oe|o)rt|f(?:æ|ae|a)rdig|completed|done|finished|l(?:ø|oe|o)st|lavet|klaret"
    r"|afsluttet|(?:ind)?sendt|udpeget|bekr(?:æ|ae|a)ftet|oprettet|submitted|\bsent\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Problem:
    """Why no change can be proposed, said to the user."""

    text: str


def parse_change(
    ctx: Context,
    text: str,
    municipality: str,
    tasks: Collection[str],
    solutions: Collection[str],
    agreements: Collection[str],
) -> StatusChange | Problem | list[tuple[str, str]]:
    """The change a message reports; a list of (key, name) when the agreement is ambiguous."""
    if tasks and (_COMPLETED.search(text) or _STARTED.search(text) or _NOT_STARTED.search(text)):
        status = (
            "not_started"
            if _NOT_STARTED.search(text)
            else "completed"
            if _COMPLETED.search(text)
            else "started"
        )
        return StatusChange("task", next(iter(tasks)), municipality, status)
    if _SIGNED.search(text):
        found = find_agreements(ctx, text, solutions, agreements)
        if not found:
            return Problem(
                ctx.t(
                    "Hvilken aftale? Skriv fx »vi har underskrevet FLIS-databehandleraftalen«.",
                    "Which agreement? Write e.g. »we have signed the FLIS data processing agreement«.",
                )
            )
        if len(found) > 1:
            return [(a.key, agreement_name(a, ctx.snapshot)) for a in found[:5]]
        return StatusChange("agreement", found[0].key, municipality, "signed")
    return Problem(
        ctx.t(
            "Jeg kan registrere »underskrevet« for en aftale og »fuldført« / »påbegyndt« for en KLIK-opgave. "
            "Skriv fx »K49 er fuldført« eller »vi har underskrevet FLIS-databehandleraftalen«.",
            "I can record »signed« for an agreement and »completed« / »started« for a KLIK task. "
            "Write e.g. »K49 is completed« or »we have signed the FLIS data processing agreement«.",
        )
    )


_PHRASES: dict[str, tuple[str, str]] = {
    "signed": ("har underskrevet", "has signed"),
    "completed": ("har fuldført", "has completed"),
    "started": ("har påbegyndt", "has started"),
    "not_started": ("har ikke påbegyndt", "has not started"),
    "missing": ("mangler at underskrive", "has not signed"),
    "unknown": ("har ukendt status på", "has unknown status on"),
}


def describe_change(change: StatusChange, ctx: Context) -> str:
    """ "Vejle har underskrevet »FLIS: Databehandleraftale …«"."""
    if change.target == "agreement":
        name = agreement_name(ctx.snapshot.agreements[change.key], ctx.snapshot)
    else:
        name = task_name(ctx.snapshot.tasks[change.key], ctx.snapshot)
    da, en = _PHRASES[change.status]
    return f"{change.municipality} {ctx.t(da, en)} »{name}«"


def confirmation_card(change: StatusChange, action_id: str, ctx: Context) -> Reply:
    what = describe_change(change, ctx)
    question = ctx.t(f"Skal jeg registrere, at {what}?", f"Shall I record that {what}?")
    note = ctx.t(
        "Det gemmes med dit navn og dags dato og vises fremover i svar i stedet for status fra "
        "KOMBITs oversigter. Du kan fortryde bagefter.",
        "It is stored with your name and today's date and shown in answers instead of the status "
        "from KOMBIT's overviews. You can undo it afterwards.",
    )
    body = [
        text_block(escape(question), weight="Bolder"),
        text_block(note, isSubtle=True, size="Small"),
    ]
    actions = [
        {
            "type": "Action.Submit",
            "title": ctx.t("Bekræft", "Confirm"),
            "data": {"kombitbot": CONFIRM, "id": action_id},
        },
        {
            "type": "Action.Submit",
            "title": ctx.t("Fortryd", "Cancel"),
            "data": {"kombitbot": CANCEL, "id": action_id},
        },
    ]
    return Reply(text=question, card=card(body, fallback_text=question, actions=actions))


def saved_reply(change: StatusChange, audit_id: int, ctx: Context) -> Reply:
    what = describe_change(change, ctx)
    text = ctx.t(
        f"Gemt: {what} (indberettet {ctx.today:%d.%m.%Y}).",
        f"Saved: {what} (reported {ctx.today:%d %b %Y}).",
    )
    body = [text_block(escape(text))]
    actions = [
        {
            "type": "Action.Submit",
            "title": ctx.t("Fortryd ændringen", "Undo"),
            "data": {"kombitbot": UNDO, "audit": audit_id},
        }
    ]
    return Reply(text=text, card=card(body, fallback_text=text, actions=actions))


def undone_reply(change: StatusChange, ctx: Context) -> Reply:
    what = describe_change(change, ctx)
    return Reply(
        text=ctx.t(
            f"Fortrudt: det er ikke længere registreret, at {what}.",
            f"Undone: it is no longer recorded that {what}.",
        )
    )


REFUSED: dict[str, dict[Language, str]] = {
    "unknown": {
        "da": "Den handling kender jeg ikke (længere).",
        "en": "I don't know that action (any more).",
    },
    "expired": {
        "da": "Forslaget er udløbet – skriv ændringen igen.",
        "en": "The proposal has expired – please write the change again.",
    },
    "not_yours": {
        "da": "Den handling hører til en anden person eller samtale.",
        "en": "That action belongs to someone else or another conversation.",
    },
    "done": {
        "da": "Det er allerede håndteret – den knap gør ikke mere.",
        "en": "That has already been handled – the button does nothing more.",
    },
}
