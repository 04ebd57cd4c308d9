"""How old the data is, said plainly ("status opgjort 20.11.25 – 1 år gammel")."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_timedelta

from dialogs.reply import Language, Reply
from store.overview import StatusDate

STALE_AFTER = dt.timedelta(days=30)


def status_line(status: StatusDate | None, today: dt.date, lang: Language) -> str:
    """One line naming the newest status date, its age, and a warning when it is old."""
    if status is None:
        return "Ingen statusdato i data." if lang == "da" else "No status date in the data."
    age = today - status.day
    age_text = format_timedelta(age, granularity="day", threshold=1.1, locale=lang)
    long_date = format_date(status.day, format="long", locale=lang)
    if lang == "da":
        line = f"Nyeste status opgjort {status.raw} ({long_date}, {age_text} siden)."
        if age > STALE_AFTER:
            line += " Data kan være forældet – tjek KLIK for den aktuelle status."
    else:
        line = f"Newest status as of {status.raw} ({long_date}, {age_text} ago)."
        if age > STALE_AFTER:
            line += " The data may be out of date – check KLIK for the current status."
    return line


OLD_DATA_AFTER = dt.timedelta(days=60)


def with_age_note(reply: Reply, newest: dt.date | None, today: dt.date, lang: Language) -> Reply:
    """Add "Mine data er fra … (n måneder gamle)" to an answer when the newest deck is old.

    Every answer cites its own status date where the data has one; this line covers the rest
    (frozen zones, meetings, contacts) so no answer reads as current when it is not.
    """
    if newest is None or today - newest <= OLD_DATA_AFTER or reply.states_age:
        return reply
    age = format_timedelta(today - newest, granularity="day", threshold=1.1, locale=lang)
    if lang == "da":
        note = f"Bemærk: mine nyeste data er fra {newest:%d.%m.%Y} ({age} gamle) – tjek KLIK for det aktuelle."
    else:
        note = f"Note: my newest data is from {newest:%d %b %Y} ({age} old) – check KLIK for the current state."
    card = reply.card
    if card is not None:
        card = {
            **card,
            "body": [
                *card["body"],
                {
                    "type": "TextBlock",
                    "text": note,
                    "wrap": True,
                    "isSubtle": True,
                    "size": "Small",
                },
            ],
        }
        card["fallbackText"] = f"{card.get('fallbackText', '')}\n{note}".strip()
    return Reply(text=f"{reply.text}\n{note}", card=card)
