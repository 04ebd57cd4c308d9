"""Asking back: "Mente du Vejle eller Vejen?", "Hvilken aftale mener du?", and the reply to a
question no answer fits — always with buttons that ask a question that works."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process

from dialogs.answer import Answer
from dialogs.answers.common import agreement_name
from dialogs.cards import ask_action, card, escape, text_block
from dialogs.entities import EntityRecord, Mention
from dialogs.reply import Language, Reply
from store.snapshot import Agreement, DataSnapshot


def _replacement(mention: Mention, choice_key: str, choice_display: str) -> str:
    return choice_display if mention.kind in ("municipality", "solution", "region") else choice_key


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
    found: Sequence[Agreement],
    snapshot: DataSnapshot,
    lang: Language,
    question_for: Callable[[str], str] | None = None,
) -> Reply:
    """Several agreements fit: a button each, named as people know them."""
    choices = [(a.key, agreement_name(a, snapshot)) for a in found]
    return ask_which(choices, "agreement", lang, question_for)


def _task_word(record: EntityRecord) -> str:
    """How a user names a task: its code ("ADG_0"), never its internal key."""
    codes = [name for name in record.names if name != record.key]
    return codes[0] if codes else record.display


def not_understood(
    text: str,
    mentions: Sequence[Mention],
    lang: Language,
    examples: Sequence[str],
    *,
    unanswerable: bool = False,
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
    for example, _score, _i in process.extract(
        text, examples, scorer=fuzz.token_set_ratio, limit=3
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


def small_talk(thanks: bool, lang: Language, examples: Sequence[str]) -> Reply:
    """ "Hej" / "tak": a short answer in kind, and three questions that work, as buttons."""
    if thanks:
        title = "Selv tak!" if lang == "da" else "You're welcome!"
    else:
        title = (
            "Hej! Jeg svarer på spørgsmål om KLIK-opgaver, aftaler, frozen zones og møder."
            if lang == "da"
            else "Hi! I answer questions about KLIK tasks, agreements, frozen zones and meetings."
        )
    more = "Prøv fx:" if lang == "da" else "Try for example:"
    answer = Answer(title=title, lang=lang, limit=None, intro=more)
    answer.buttons = [(example, example) for example in examples[:3]]
    listed = "\n".join(f"- {example}" for example in examples[:3])
    return Reply(text=f"{title}\n{more}\n{listed}", card=answer.reply().card)
