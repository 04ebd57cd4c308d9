"""A reply as the dialogs produce it, independent of Bot Framework types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Language = Literal["da", "en"]


@dataclass(frozen=True, slots=True)
class Reply:
    """Plain text for clients (and notifications) that show no card, plus an optional card."""

    text: str
    card: dict[str, Any] | None = None
    states_age: bool = False  # the answer already says how old its data is
