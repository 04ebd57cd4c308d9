"""Validate Adaptive Cards against the official 1.5 schema kept in tests/fixtures/schemas."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"


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


@cache
def _teams_validator() -> jsonschema.protocols.Validator:
    path = SCHEMAS / "adaptive-cards" / "teams" / "teams-adaptive-card.schema.json"
    schema = json.loads(path.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema)  # type: ignore[no-any-return]


def without_teams_elements(value: Any) -> Any:
    """The card as a client without Teams' chart elements renders it: each element replaced by
    its ``fallback``."""
    if isinstance(value, dict):
        if str(value.get("type", "")).startswith("Chart.") and "fallback" in value:
            return without_teams_elements(value["fallback"])
        return {k: without_teams_elements(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_teams_elements(v) for v in value]
    return value


def assert_valid_teams_card(card: dict[str, Any]) -> None:
    """A card using Teams' extensions (charts): valid against Teams' official card schema, and,
    with every extension replaced by its fallback, a valid Adaptive Card 1.5."""
    errors = teams_schema_errors(card)
    assert not errors, "\n".join(errors)
    assert_valid_card(without_teams_elements(card))


def teams_schema_errors(card: dict[str, Any]) -> list[str]:
    """What Teams' card schema (with the chart elements) finds wrong with ``card``."""
    errors = sorted(_teams_validator().iter_errors(card), key=lambda e: list(e.path))
    return [f"{list(e.path)}: {e.message[:300]}" for e in errors]
