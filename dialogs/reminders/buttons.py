"""Reading a click on a reminder card (the data shapes of :mod:`notifications.digest`).

Card data comes back from the client and can be forged, so every field is checked against the
shapes and the current data before anything is stored: an unknown item, a wrong type, a date
outside the snooze window or a municipality the clicker does not lead is refused here or by
the service, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from notifications.digest import REMINDER_DONE, REMINDER_SEEN, REMINDER_SNOOZE
from store.snapshot import DataSnapshot

__all__ = [
    "MAX_SNOOZE",
    "REMINDER_ACTIONS",
    "DoneClick",
    "Forged",
    "SeenClick",
    "SnoozeClick",
    "read_click",
]

REMINDER_ACTIONS: Final = (REMINDER_DONE, REMINDER_SNOOZE, REMINDER_SEEN)
MAX_SNOOZE: Final = dt.timedelta(days=14)
_OCCASION: Final = re.compile(r"^(?:\d{1,2}wd|start|end)$")
_KEY_MAX: Final = 64  # reminder_snoozes.item_key

DeadlineKind = Literal["task", "agreement"]


@dataclass(frozen=True, slots=True)
class DoneClick:
    """ "Vi har underskrevet" / "Markér som fuldført"; ``municipality`` only when the card
    names one (the clicker's own municipality otherwise)."""

    item: DeadlineKind
    key: str
    municipality: str | None = None


@dataclass(frozen=True, slots=True)
class SnoozeClick:
    item: DeadlineKind
    key: str
    until: dt.date


@dataclass(frozen=True, slots=True)
class SeenClick:
    key: str  # the frozen zone
    occasion: str
    delivery: int | None  # reminder_deliveries.id, when the card carries it


@dataclass(frozen=True, slots=True)
class Forged:
    """Not a click the bot could have offered (or one about data that is gone)."""

    reason: Literal["malformed", "unknown_item", "bad_date", "unknown_municipality"]


Click = DoneClick | SnoozeClick | SeenClick


def _text(data: Mapping[str, object], field: str) -> str | None:
    value = data.get(field)
    return value if isinstance(value, str) and 0 < len(value) <= _KEY_MAX else None


def _deadline_item(
    data: Mapping[str, object], snapshot: DataSnapshot
) -> tuple[DeadlineKind, str] | Forged:
    item, key = data.get("item"), _text(data, "key")
    if item not in ("task", "agreement") or key is None:
        return Forged("malformed")
    known = snapshot.tasks if item == "task" else snapshot.agreements
    if key not in known:
        return Forged("unknown_item")
    return ("task" if item == "task" else "agreement"), key


def read_click(
    data: Mapping[str, object], snapshot: DataSnapshot, today: dt.date
) -> Click | Forged:
    """The click ``data`` describes, checked against the shapes and the data of ``snapshot``."""
    action = data.get("kombitbot")
    if action == REMINDER_SEEN:
        key, occasion = _text(data, "key"), data.get("occasion")
        delivery = data.get("delivery")
        if (
            data.get("item") != "frozen_zone"
            or key is None
            or not isinstance(occasion, str)
            or not _OCCASION.match(occasion)
            or (delivery is not None and (type(delivery) is not int or delivery <= 0))
        ):
            return Forged("malformed")
        if key not in snapshot.frozen_zones:
            return Forged("unknown_item")
        return SeenClick(key, occasion, delivery if isinstance(delivery, int) else None)
    if action not in (REMINDER_DONE, REMINDER_SNOOZE):
        return Forged("malformed")
    found = _deadline_item(data, snapshot)
    if isinstance(found, Forged):
        return found
    item, key = found
    if action == REMINDER_DONE:
        named = data.get("municipality")
        if named is None:
            return DoneClick(item, key)
        if not isinstance(named, str) or named not in snapshot.municipalities:
            return Forged("unknown_municipality")
        return DoneClick(item, key, named)
    until_text = data.get("until")
    if not isinstance(until_text, str) or len(until_text) != 10:
        return Forged("malformed")
    try:
        until = dt.date.fromisoformat(until_text)
    except ValueError:
        return Forged("malformed")
    if not today < until <= today + MAX_SNOOZE:
        return Forged("bad_date")
    return SnoozeClick(item, key, until)
