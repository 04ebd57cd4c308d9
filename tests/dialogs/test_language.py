"""Danish or English from the words themselves; words both languages write decide nothing."""

from __future__ import annotations

import pytest

from dialogs.language import detect_language

DANISH = [
    "status for Vejle",
    "frister for databehandleraftaler i december",
    "hej",
    "jeg er programleder i Vejle",
    "er vi i frozen zone nu?",
    "hvad har deadline i december?",
    "Vejle?",
    "datastatus",
    "tak",
]
ENGLISH = [
    "hello",
    "hi there",
    "good morning",
    "I am programme leader for Vejle",
    "which agreements does Vejle still need to sign?",
    "are we in a frozen zone now?",
    "what is due in december",
    "thanks",
]


@pytest.mark.parametrize("text", DANISH)
def test_danish(text: str) -> None:
    assert detect_language(text) == "da"


@pytest.mark.parametrize("text", ENGLISH)
def test_english(text: str) -> None:
    assert detect_language(text) == "en"
