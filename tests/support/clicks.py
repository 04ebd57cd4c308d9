"""Clicks on card buttons as Teams sends them, and the people who click."""

from __future__ import annotations

import copy
from typing import Any

from tests.conftest import teams_activity
from tests.support.connector import MockConnector


def person(n: int) -> dict[str, Any]:
    """Someone in the chat (Teams' ``from``), numbered."""
    return {"id": f"29:person-{n}", "name": f"Person {n}", "aadObjectId": f"aad-person-{n}"}


def execute_invoke(
    connector: MockConnector,
    data: dict[str, Any],
    fixture: str,
    sender: dict[str, Any] | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """Microsoft's ``adaptiveCard/action`` invoke from the conversation of ``fixture``, sent
    by that fixture's sender or by ``sender``."""
    invoke = teams_activity("invoke-adaptive-card-action-execute", connector)
    origin = teams_activity(fixture, connector)
    for field in ("conversation", "recipient", "from"):
        invoke[field] = copy.deepcopy(origin[field])
    if sender is not None:
        invoke["from"] = sender
    invoke["value"]["action"] = {
        "type": "Action.Execute",
        "verb": data.get("kombitbot"),
        "data": data,
    }
    invoke.update(changes)
    return invoke
