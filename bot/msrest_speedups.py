"""Three of msrest's hot spots made cheap, with the same results: the only changes this process
makes to a library.

botbuilder sends every reply through msrest (the Bot Connector client), and msrest was written
for Python 2 as well; on these machines its overheads, not the bot, set how fast a turn is.

* **Retry policy.** Every Bot Connector client builds a ``ClientRetryPolicy``, which computes
  its status list as ``[i for i in range(999) if i not in safe_codes]`` with ``safe_codes`` a
  500-item *list*: about 7 ms of CPU per client, and CloudAdapter builds two clients per turn
  and per proactive send — the bulk of a reminder send's cost, capping one process near 70
  sends a second. The same codes as a frozenset give the same policy in microseconds.
* **Strings.** ``Serializer.serialize_unicode`` first raises and catches an AttributeError
  (``data.value``, for enums) and then a NameError (Python 2's ``unicode``) before returning
  ``str(data)`` — for a plain ``str``, the string itself. A plain ``str`` now returns at once.
* **Card contents.** An Adaptive Card is an attachment's ``content``, typed ``object``, which
  ``Serializer.serialize_object`` copies node by node through its type dispatch (several calls
  per key and per string). A tree of plain JSON values — dicts with string keys, lists,
  strings, ints, floats, bools, None — is now copied directly; anything else (a model, an
  enum, a date, a non-string key) anywhere in it takes msrest's own path for the whole value.

Measured with ``Serializer.body`` on the reply to "Hvilke aftaler mangler Vejle at
underskrive?" (an 8 kB activity; 3 Dec 2026, two runs of a timing loop not kept in the repository):
1,030 and 966 µs per body with msrest alone, 432 and 463 µs with these; an echo's plain-text
reply 476 and 433 µs, 368 and 319 µs. Each replacement keeps msrest's own function as ``msrest_own``;
tests/bot/test_msrest_speedups.py compares the two on generated values and on a real reply.
"""

from __future__ import annotations

from typing import Any

__all__ = ["speed_up_msrest"]


class _NotPlain(Exception):
    """A value that is not plain JSON: msrest's own serialiser handles it."""


def _plain_copy(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict:
        copied = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            copied[key] = _plain_copy(item)
        return copied
    if kind is list:
        return [_plain_copy(item) for item in value]
    raise _NotPlain


def speed_up_msrest() -> None:
    """Install the three replacements (idempotent)."""
    from msrest.serialization import Serializer
    from msrest.universal_http.requests import ClientRetryPolicy

    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]

    own_unicode = Serializer.__dict__["serialize_unicode"].__func__
    if not hasattr(own_unicode, "msrest_own"):

        def serialize_unicode(cls: type, data: object) -> object:
            if type(data) is str:
                return data
            return own_unicode(cls, data)

        serialize_unicode.msrest_own = own_unicode  # type: ignore[attr-defined]
        Serializer.serialize_unicode = classmethod(serialize_unicode)  # type: ignore[method-assign,assignment]

    own_object = Serializer.__dict__["serialize_object"]
    if not hasattr(own_object, "msrest_own"):

        def serialize_object(self: Serializer, attr: object, **kwargs: Any) -> object:
            try:
                return _plain_copy(attr)
            except _NotPlain:
                return own_object(self, attr, **kwargs)

        serialize_object.msrest_own = own_object  # type: ignore[attr-defined]
        Serializer.serialize_object = serialize_object  # type: ignore[method-assign]
