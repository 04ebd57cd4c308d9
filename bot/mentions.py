"""Who a message is addressed to, and its text with the bot's @mention removed."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

_AT_TAG = re.compile(r"<at\b[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")


def _mentions(entities: Iterable[Any] | None) -> list[dict[str, Any]]:
    result = []
    for entity in entities or ():
        data = entity if isinstance(entity, dict) else _entity_dict(entity)
        if str(data.get("type", "")).lower() == "mention" and isinstance(
            data.get("mentioned"), dict
        ):
            result.append(data)
    return result


def _entity_dict(entity: Any) -> dict[str, Any]:
    """botbuilder keeps unknown entity fields in ``additional_properties``."""
    data = dict(getattr(entity, "additional_properties", None) or {})
    data["type"] = getattr(entity, "type", None)
    return data


def mentions_bot(entities: Iterable[Any] | None, bot_id: str) -> bool:
    return any(m["mentioned"].get("id") == bot_id for m in _mentions(entities))


def strip_bot_mention(text: str, entities: Iterable[Any] | None, bot_id: str) -> str:
    """Remove the ``<at>Bot</at>`` tags that mention the bot; other mentions keep their name.

    Teams puts the mention inline (``<at>kombitbot</at> hjælp``); the bot must read ``hjælp``.
    """
    bot_tags = {
        m.get("text") or f"<at>{m['mentioned'].get('name', '')}</at>"
        for m in _mentions(entities)
        if m["mentioned"].get("id") == bot_id
    }
    for tag in bot_tags:
        text = text.replace(tag, " ")
    # Any remaining <at>Name</at> (another person) is read as the plain name.
    text = _AT_TAG.sub(lambda match: match.group(1), text)
    return _SPACE.sub(" ", html.unescape(text)).strip()
