"""Validate Adaptive Cards against the official 1.5 schema in ../shared/schemas."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "schemas"


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "adaptive-cards" / "1.5.0" / "adaptive-card.json").read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema)  # type: ignore[no-any-return]


def assert_valid_card(card: dict[str, Any]) -> None:
    errors = sorted(_validator().iter_errors(card), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:300]}" for e in errors)
    assert card["version"] == "1.5"
    assert card.get("fallbackText"), "every card carries a text fallback"
