"""msrest made cheap gives exactly what msrest gives: the replacements are compared with msrest's
own functions on generated values, on the cards the bot really sends, and on a whole reply."""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Any

from botframework.connector import models
from hypothesis import given, settings
from hypothesis import strategies as st
from msrest.serialization import Serializer
from msrest.universal_http.requests import ClientRetryPolicy

from bot.activities import reply_activity
from bot.msrest_speedups import speed_up_msrest
from dialogs.cards import ask_action, bullet_list, card, fact_set, heading, text_block
from dialogs.reply import Reply

CLIENT_MODELS = {name: kind for name, kind in vars(models).items() if isinstance(kind, type)}


class Colour(enum.Enum):
    RED = "red"


def own(method: str) -> Any:
    """msrest's own function, which the replacement keeps."""
    speed_up_msrest()
    replacement = Serializer.__dict__[method]
    return getattr(replacement, "__func__", replacement).msrest_own


plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)
# Values msrest treats specially, anywhere in a tree: the fast path must hand those back.
special = st.sampled_from([Colour.RED, dt.date(2025, 12, 15), dt.datetime(2025, 12, 15, 9, 0)])
mixed = st.recursive(
    plain | special,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text() | st.integers(), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300)
@given(mixed)
def test_any_value_serialises_as_msrest_itself_serialises_it(value: Any) -> None:
    serializer = Serializer(CLIENT_MODELS)
    expected = own("serialize_object")(serializer, value)
    assert serializer.serialize_object(value) == expected
    assert json.dumps(serializer.serialize_object(value)) == json.dumps(expected)


@given(st.text() | special | st.integers())
def test_strings_serialise_as_msrest_itself_serialises_them(value: Any) -> None:
    assert Serializer.serialize_unicode(value) == own("serialize_unicode")(Serializer, value)


def test_a_reply_with_an_answer_card_has_the_same_body_as_with_msrest_alone() -> None:
    answer = card(
        [
            heading("Aftaler – Vejle"),
            text_block("Mangler underskrift", weight="Bolder", spacing="Medium"),
            bullet_list(["K-aftalen for datastandard service – frist 15. december 2025"]),
            fact_set([("Status opgjort", "20.11.25"), ("Kilde", "Programledermøde")]),
        ],
        fallback_text="Aftaler – Vejle …",
        actions=[ask_action("Vejen?", "hvilke aftaler mangler Vejen at underskrive?")],
    )
    activity = reply_activity(Reply("Aftaler – Vejle …", answer))
    patched = Serializer(CLIENT_MODELS).body(activity, "Activity")
    msrest_alone = Serializer(CLIENT_MODELS)
    msrest_alone.serialize_type["object"] = lambda value, **kw: own("serialize_object")(
        msrest_alone, value, **kw
    )
    assert patched == msrest_alone.body(activity, "Activity")
    content = patched["attachments"][0]["content"]
    assert content == answer and content is not answer  # a copy, as msrest makes


def test_the_retry_policy_keeps_its_codes_as_a_set() -> None:
    speed_up_msrest()
    speed_up_msrest()  # twice changes nothing
    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
    assert 200 in ClientRetryPolicy.safe_codes and 503 not in ClientRetryPolicy.safe_codes
