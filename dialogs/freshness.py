"""How old the data is, said plainly ("status opgjort 20.11.25 – 1 år gammel")."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_timedelta

from dialogs.reply import Language
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
