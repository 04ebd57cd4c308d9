"""Adaptive Card building blocks (schema 1.5), with user and data text escaped.

Card text is rendered as Markdown by Teams, so any text that came from a user or from the data
is escaped: a municipality note containing ``*`` or ``[link](…)`` must show as written.
"""

from __future__ import annotations

import re
from typing import Any

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"

# The Markdown subset Adaptive Cards render: **bold**, _italic_, [links](url) and lists.
_MARKDOWN_SPECIAL = re.compile(r"([\\*_\[\]])")
_LINE_START_LIST = re.compile(r"^(\s*)([-+]|\d+\.)(\s)", re.MULTILINE)

Element = dict[str, Any]


def escape(text: str) -> str:
    """Make text show literally in a Markdown TextBlock."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _LINE_START_LIST.sub(_escape_list_marker, text)


def _escape_list_marker(match: re.Match[str]) -> str:
    indent, marker, space = match.groups()
    escaped = f"{marker[:-1]}\\." if marker.endswith(".") else f"\\{marker}"
    return f"{indent}{escaped}{space}"


def text_block(text: str, **props: Any) -> Element:
    """A wrapping TextBlock; ``text`` must already be escaped where it holds foreign text."""
    return {"type": "TextBlock", "text": text, "wrap": True, **props}


def heading(text: str) -> Element:
    return text_block(text, size="Large", weight="Bolder", style="heading")


def fact_set(facts: list[tuple[str, str]]) -> Element:
    return {"type": "FactSet", "facts": [{"title": t, "value": v} for t, v in facts]}


def bullet_list(items: list[str]) -> Element:
    return text_block("\n".join(f"- {item}" for item in items))


def card(
    body: list[Element], *, fallback_text: str, actions: list[Element] | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "fallbackText": fallback_text,
        "body": body,
    }
    if actions:
        result["actions"] = actions
    return result


ASK = "ask"


def ask_action(title: str, text: str) -> Element:
    """A button that asks the bot ``text`` as if the user had typed it.

    Plain submit data rather than Teams' ``msteams.imBack``: it works the same in Teams and in
    the Agents Playground (which cannot submit ``msteams`` data), and the bot validates it.
    """
    return {"type": "Action.Submit", "title": title, "data": {"kombitbot": ASK, "text": text}}
