"""Reading an inbound activity's body: bounded, and with its text made safe once, here.

Python's ``json`` raises ``RecursionError`` for deeply nested input and ``ValueError`` for an
integer of thousands of digits; neither is a ``JSONDecodeError``. Both, and every other shape a
client can send, end here as :class:`BadBody` (a 400), before anything else reads the body.

Strings are made safe on the way in, for both databases alike: a lone surrogate (which no
encoder accepts) becomes U+FFFD, and control characters other than tab, newline and carriage
return (NUL among them, which PostgreSQL refuses in text) are dropped. JSON forbids raw control
characters in strings and invalid UTF-8 fails decoding, so both can only arrive as ``\\u``
escapes: a body without one needs no cleaning.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 48  # Teams' deepest payloads (a card submit inside channelData) are about 8
MAX_NUMBER_DIGITS = 40  # a Teams timestamp in ms has 13; ids are strings
MAX_TEXT_CHARS = 40_000  # Teams caps a message at about 28 KB
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_CONTROL = dict.fromkeys(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
_CONTROL[0x7F] = None


class BadBody(ValueError):
    """The body is not an activity the bot can read; the message says why, for the client."""


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise BadBody(f"a number longer than {MAX_NUMBER_DIGITS} digits")
    return int(digits)


def _bounded_float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 10:
        raise BadBody(f"a number longer than {MAX_NUMBER_DIGITS} digits")
    return float(text)


def _depth_within(value: Any, limit: int) -> bool:
    """Iterative, so a hostile depth cannot exhaust the stack while it is measured."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return True


def safe_text(text: str) -> str:
    """``text`` without control characters (tab, newline, CR kept) and lone surrogates."""
    if not _UNSAFE.search(text):
        return text
    text = text.translate(_CONTROL)
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {safe_text(k): _cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value


def parse_activity_body(raw: bytes) -> dict[str, Any]:
    """The JSON object in ``raw``, bounded in depth and number size, with safe strings."""
    # Fewer brackets than the depth limit cannot nest deeper than it: the common case costs
    # two counts in C instead of a walk.
    brackets = raw.count(b"{") + raw.count(b"[")
    try:
        body = json.loads(raw, parse_int=_bounded_int, parse_float=_bounded_float)
    except BadBody:
        raise
    except RecursionError:
        raise BadBody(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError):  # JSONDecodeError is a ValueError
        raise BadBody("body is not valid JSON") from None
    if brackets > MAX_DEPTH and not _depth_within(body, MAX_DEPTH):
        raise BadBody(f"JSON nested deeper than {MAX_DEPTH} levels")
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
        raise BadBody("body is not a Bot Framework activity")
    text = body.get("text")
    if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
        raise BadBody(f"text longer than {MAX_TEXT_CHARS} characters")
    if not _ids_plain(body):
        raise BadBody("activity has ids Teams never sends")
    if b"\\u" in raw:
        return {safe_text(k): _cleaned(v) for k, v in body.items()}
    return body


def _ids_plain(body: dict[str, Any]) -> bool:
    """The ids that are there are plain (checked before cleaning, which would hide a NUL);
    missing ones are the caller's to refuse."""
    ids = [body.get("id"), body.get("replyToId")]
    ids += [
        account.get("id")
        for account in (body.get("conversation"), body.get("from"), body.get("recipient"))
        if isinstance(account, dict)
    ]
    return all(plain_id(i) for i in ids if isinstance(i, str))


def plain_id(value: object, limit: int = 1024) -> bool:
    """A Bot Framework id as Teams sends them: printable ASCII, no spaces at the ends.

    Conversation, user and activity ids go into URLs and HTTP headers (which take Latin-1 at
    most) and into the database as keys; an id with anything else is not from Teams.
    """
    return (
        isinstance(value, str)
        and 0 < len(value) <= limit
        and value.isascii()
        and value.isprintable()
        and value == value.strip()
    )
