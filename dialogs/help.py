"""The help card: what the bot can do today, and which data it answers from."""

from __future__ import annotations

import datetime as dt

from dialogs.cards import (
    ask_action,
    bullet_list,
    card,
    escape,
    fact_set,
    heading,
    text_block,
)
from dialogs.freshness import status_line
from dialogs.questions.ranker import question_help
from dialogs.reply import Language, Reply
from store.overview import DataOverview

# Only commands that are really built. Each entry: (what to type, what it does), per language.
# The questions come from the question types' own examples, so the help card shows what the
# tests ask; the rest are the other features' commands.
_OTHERS: dict[Language, list[tuple[str, str]]] = {
    "da": [
        ("datastatus", "hvilke data jeg kender, hvor de kommer fra, og hvor gamle de er"),
        (
            "afstemning: Er I klar til KY? Ja; Nej; Måske",
            "en live-afstemning i chatten (KOMBIT-admins); også »evaluering« og »bedømmelse«",
        ),
        ("resultater", "resultaterne af seneste afstemning; »luk afstemning« lukker den"),
        (
            "abonnér",
            "påmindelser før frister og frozen zones her i chatten; også »abonnér på Vejle«, "
            "»abonnér på SAPA«, »abonnér på Region Nordjylland«, »afmeld alt«",
        ),
        ("mine abonnementer", "hvad denne chat får påmindelser om"),
        ("kanaler", "hvor jeg sender påmindelser (KOMBIT-admins)"),
        (
            "påmindelser i morgen",
            "hvilke påmindelser der går ud hvor (KOMBIT-admins); også »send påmindelser nu«, "
            "»pause påmindelser«, »genoptag påmindelser«",
        ),
    ],
    "en": [
        ("data status", "which data I know, where it comes from and how old it is"),
        (
            "poll: Are you ready for KY? Yes; No; Maybe",
            "a live poll in the chat (KOMBIT admins); also »evaluation« and »rating«",
        ),
        ("results", "the latest poll's results; »close poll« closes it"),
        (
            "subscribe",
            "reminders before deadlines and frozen zones in this chat; also »subscribe to "
            "Vejle«, »subscribe to SAPA«, »subscribe to Region Nordjylland«, »unsubscribe all«",
        ),
        ("my subscriptions", "what this chat gets reminders about"),
        ("channels", "where I send reminders (KOMBIT admins)"),
        (
            "reminders tomorrow",
            "which reminders go out where (KOMBIT admins); also »send reminders now«, "
            "»pause reminders«, »resume reminders«",
        ),
    ],
}


COMMANDS: dict[Language, list[tuple[str, str]]] = {
    lang: [*question_help(lang), *others] for lang, others in _OTHERS.items()
}


# Short titles for the help card's buttons (a long question would be cut off in Teams).
BUTTONS: dict[Language, list[tuple[str, str]]] = {
    "da": [
        ("Aftaler Vejle mangler", "Hvilke aftaler mangler Vejle at underskrive?"),
        ("Næste frozen zone", "Hvornår er næste frozen zone?"),
        ("Datastatus", "datastatus"),
    ],
    "en": [
        ("Agreements Vejle lacks", "Which agreements does Vejle still need to sign?"),
        ("Next frozen zone", "When is the next frozen zone?"),
        ("Data status", "data status"),
    ],
}


def _data_facts(overview: DataOverview, lang: Language) -> list[tuple[str, str]]:
    if lang == "da":
        return [
            ("Kommuner", str(overview.municipalities)),
            ("KLIK-opgaver", str(overview.klik_tasks)),
            ("Aftaler", str(overview.agreements)),
            ("Frozen zones og servicevinduer", str(overview.frozen_zones)),
            ("Programledermøder", str(overview.meetings)),
        ]
    return [
        ("Municipalities", str(overview.municipalities)),
        ("KLIK tasks", str(overview.klik_tasks)),
        ("Agreements", str(overview.agreements)),
        ("Frozen zones and service windows", str(overview.frozen_zones)),
        ("Programme-leader meetings", str(overview.meetings)),
    ]


def help_reply(
    overview: DataOverview, today: dt.date, lang: Language, *, fixed: dt.date | None = None
) -> Reply:
    """``fixed``: the day KOMBITBOT_TODAY fixes (for trying the bot out), said on the card."""
    commands = COMMANDS[lang]
    if lang == "da":
        title = "kombitbot – hjælp"
        intro = (
            "Jeg er KOMBITs assistent til programledere: KLIK-opgaver, aftaler til underskrift "
            "og frozen zones. Skriv til mig her, eller nævn @kombitbot i en kanal."
        )
        can = "Spørg fx:"
        knows = "Jeg kender:"
    else:
        title = "kombitbot – help"
        intro = (
            "I am KOMBIT's assistant for programme leaders: KLIK tasks, agreements to sign and "
            "frozen zones. Write to me here, or mention @kombitbot in a channel."
        )
        can = "Ask for example:"
        knows = "What I know:"
    today_status = status_line(overview.newest_status, today, lang)
    if fixed is not None:
        day = f"{fixed.day:02d}.{fixed.month:02d}.{fixed.year}"
        today_status += (
            f" Dagens dato er sat til {day} for at afprøve botten (KOMBITBOT_TODAY)."
            if lang == "da"
            else f" Today is set to {day} for trying the bot out (KOMBITBOT_TODAY)."
        )
    items = [f"**{escape(cmd)}** – {escape(what)}" for cmd, what in commands]
    body = [
        heading(title),
        text_block(escape(intro)),
        text_block(can, weight="Bolder"),
        bullet_list(items),
        text_block(knows, weight="Bolder"),
        fact_set(_data_facts(overview, lang)),
        text_block(escape(today_status), isSubtle=True),
    ]
    fallback = "\n".join(
        [title, intro, can, *(f"- {cmd}: {what}" for cmd, what in commands), today_status]
    )
    actions = [ask_action(title, question) for title, question in BUTTONS[lang]]
    return Reply(text=fallback, card=card(body, fallback_text=fallback, actions=actions))
