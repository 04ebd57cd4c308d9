"""``datastatus``: which data the bot answers from, its sources and its age."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from babel.dates import format_datetime

from dialogs.cards import card, escape, fact_set, heading, text_block
from dialogs.freshness import status_line
from dialogs.reply import Language, Reply
from dialogs.sources import describe_source
from store.overview import DataOverview


def _loaded_what(overview: DataOverview, lang: Language) -> str:
    if overview.last_import_kind == "builtin":
        return "det indbyggede datasæt" if lang == "da" else "the built-in dataset"
    return overview.last_import_label or "–"


def data_status_reply(
    overview: DataOverview, deck_labels: Mapping[str, str], now: dt.datetime, lang: Language
) -> Reply:
    status = status_line(overview.newest_status, now.date(), lang)
    source = (
        describe_source(overview.newest_status.source, deck_labels)
        if overview.newest_status
        else ""
    )
    imported = (
        format_datetime(
            overview.last_import_at.astimezone(now.tzinfo),
            "d. MMMM y HH:mm" if lang == "da" else "d MMMM y HH:mm",
            locale=lang,
        )
        if overview.last_import_at
        else ("aldrig" if lang == "da" else "never")
    )
    if lang == "da":
        title = "Datastatus"
        facts = [
            ("Kommuner", str(overview.municipalities)),
            ("KLIK-opgaver", str(overview.klik_tasks)),
            ("Aftaler", str(overview.agreements)),
            ("Underskriftsstatusser", str(overview.signatures)),
            ("Frozen zones m.m.", str(overview.frozen_zones)),
            ("Møder", str(overview.meetings)),
            ("Indlæst i botten", f"{imported} ({_loaded_what(overview, lang)})"),
        ]
        source_line = f"Kilde til nyeste status: {source}" if source else ""
    else:
        title = "Data status"
        facts = [
            ("Municipalities", str(overview.municipalities)),
            ("KLIK tasks", str(overview.klik_tasks)),
            ("Agreements", str(overview.agreements)),
            ("Signature statuses", str(overview.signatures)),
            ("Frozen zones etc.", str(overview.frozen_zones)),
            ("Meetings", str(overview.meetings)),
            ("Loaded into the bot", f"{imported} ({_loaded_what(overview, lang)})"),
        ]
        source_line = f"Source of the newest status: {source}" if source else ""
    body = [
        heading(title),
        fact_set([(t, escape(v)) for t, v in facts]),
        text_block(escape(status)),
    ]
    if source_line:
        body.append(text_block(escape(source_line), isSubtle=True, size="Small"))
    fallback = "\n".join([title, *(f"{t}: {v}" for t, v in facts), status, source_line]).strip()
    return Reply(text=fallback, card=card(body, fallback_text=fallback))
