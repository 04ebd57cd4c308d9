"""Turn raw rows into records, collecting every error instead of stopping at the first.

Each table of the built-in dataset (store/data) has one ``parse_*`` function. They share a :class:`Catalog` of
everything known so far (from the database and from the tables of the same import already
validated), so a reference to a municipality or meeting is checked before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from kombitbot.dates import FuzzyDate, FuzzyDateError, Precision, parse_fuzzy_date, parse_year_hint
from store.importing.readers import EXTRA_CELLS, RawRow, RawTable
from store.importing.records import MeetingContext, Record, Ref, RowError, natural_key
from store.models import AgreementKind, SignatureStatus, TaskStatus


def normalise_key(text: str) -> str:
    """Case-, space- and hyphen-insensitive key: ``FKI -SP`` and ``fki-sp`` are one solution."""
    text = unicodedata.normalize("NFC", text).casefold().strip()
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s+", " ", text)


def seed_file(source: str) -> str:
    """``"001_x.txt | Slide"`` → ``"001_x.txt"``: the deck a fact was taken from."""
    return source.split(" | ", 1)[0].strip()


@dataclass(slots=True)
class Catalog:
    """Natural keys known to exist, from the database plus this import."""

    municipalities: set[str] = field(default_factory=set)
    alias_owner: dict[str, str] = field(default_factory=dict)  # alias_key -> municipality name
    meetings: dict[str, MeetingContext] = field(default_factory=dict)
    deck_days: dict[str, dt.date] = field(default_factory=dict)  # seed file -> deck's date
    tasks: set[str] = field(default_factory=set)
    agreements: set[str] = field(default_factory=set)
    solution_alias: dict[str, str] = field(default_factory=dict)  # normalised alias -> key

    def meeting_day(self, meeting_key: str) -> dt.date | None:
        meeting = self.meetings.get(meeting_key)
        if meeting is None:
            return None
        return meeting.day or self.deck_days.get(meeting.seed_file)


class RowReader:
    """Typed access to one row's cells; every problem becomes a located :class:`RowError`."""

    def __init__(self, table: RawTable, row: RawRow, errors: list[RowError]) -> None:
        self.table = table
        self.row = row
        self.errors = errors
        self.ok = True

    def error(self, column: str, reason: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.table.origin, self.row.line, column, reason))

    def text(self, column: str, *, required: bool = False) -> str:
        value = unicodedata.normalize("NFC", self.row.cells.get(column, ""))
        if required and not value:
            self.error(column, "is empty but required")
        problem = cell_problem(value)
        if problem:
            self.error(column, problem)
            return ""
        return value

    def count(self, column: str) -> int | None:
        value = self.text(column)
        if not value:
            return None
        if not value.isdigit():
            self.error(column, f"{value!r} is not a whole number ≥ 0")
            return None
        return int(value)

    def fuzzy(
        self,
        column: str,
        *,
        hint: int | None,
        context: dt.date | None,
        must_be_date: bool = False,
    ) -> FuzzyDate | None:
        """A date as the slides write them. ``must_be_date``: an end or a deadline, which must
        at least name a period ("ultimo 2025", "uge 48"), not only words ("snart")."""
        value = self.text(column)
        try:
            parsed = parse_fuzzy_date(value, context=context, year_hint=hint)
        except FuzzyDateError as exc:
            self.error(column, str(exc))
            return None
        if must_be_date and parsed is not None and parsed.precision is Precision.UNKNOWN:
            self.error(
                column,
                f"{value!r} is not a date (write e.g. 30.11.2025, uge 48, ultimo november 2025)",
            )
            return None
        return parsed

    def day(self, column: str, *, context: dt.date | None) -> tuple[str, dt.date | None]:
        """A status date ("status opgjort"): must name a single day."""
        parsed = self.fuzzy(column, hint=None, context=context)
        if parsed is None:
            return self.text(column), None
        if parsed.precision is not Precision.DAY:
            self.error(column, f"{parsed.raw!r} is not a single day")
            return parsed.raw, None
        return parsed.raw, parsed.earliest

    def year_hint(self, column: str = "year_inferred") -> int | None:
        value = self.text(column)
        hint = parse_year_hint(value) if value else None
        if value and hint is None:
            self.error(column, f"{value!r} is not a year")
        return hint


MAX_CELL_CHARS = 4000  # the longest cell of KOMBIT's tables has 1,586
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What a spreadsheet would run as a formula when the value is exported again (OWASP's list);
# a lone "-" or a "- " bullet is text.
_FORMULA = re.compile(r"^(?:[=+@\t\r]|-(?![\s]|$))")


def cell_problem(value: str) -> str | None:
    """Why a cell cannot be stored as written, or None."""
    if len(value) > MAX_CELL_CHARS:
        return f"is {len(value):,} characters long; at most {MAX_CELL_CHARS:,} are allowed"
    control = _CONTROL.search(value)
    if control:
        return f"contains a control character (U+{ord(control.group()):04X})"
    if _FORMULA.match(value):
        return (
            f"starts with {value[0]!r}, which a spreadsheet would run as a formula; "
            "remove it or write the text another way"
        )
    return None


def fuzzy_values(prefix: str, value: FuzzyDate | None) -> dict[str, object]:
    if value is None:
        return {
            f"{prefix}_raw": "",
            f"{prefix}_earliest": None,
            f"{prefix}_latest": None,
            f"{prefix}_precision": Precision.UNKNOWN.value,
            f"{prefix}_year_inferred": False,
        }
    return {
        f"{prefix}_raw": value.raw,
        f"{prefix}_earliest": value.earliest,
        f"{prefix}_latest": value.latest,
        f"{prefix}_precision": value.precision.value,
        f"{prefix}_year_inferred": value.year_inferred,
    }


def split_list(value: str) -> list[str]:
    """Cells hold lists as ``a; b; c``."""
    return [item.strip() for item in value.split(";") if item.strip()]


ParseRow = Callable[[RowReader, Catalog], list[Record]]


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    columns: frozenset[str]  # the header must contain all of these
    parse: ParseRow
    rank: int  # validation and write order: what others refer to comes first
    row_order: Callable[[RawRow], int] | None = None  # rows another row of the table needs first


# --- individual tables -------------------------------------------------------------------


def _record(
    reader: RowReader, table: str, values: dict[str, object], **children: list[dict[str, object]]
) -> Record:
    return Record(table, values, reader.table.origin, reader.row.line, dict(children))


def _solution_ref(
    reader: RowReader, catalog: Catalog, written: str
) -> tuple[list[Record], Ref | None]:
    """The solution a free-text project name means; unknown names become new solutions."""
    if not written:
        return [], None
    key = catalog.solution_alias.get(normalise_key(written))
    if key is not None:
        return [], Ref("solution", key)
    key = normalise_key(written)
    catalog.solution_alias[key] = key
    values: dict[str, object] = {
        "key": key,
        "code": written,
        "full_name": "",
        "full_name_basis": "",
        "aliases": "",
        "source": f"{reader.table.origin} (navn som skrevet)",
    }
    return [_record(reader, "solutions", values)], Ref("solution", key)


def _meeting(
    reader: RowReader, catalog: Catalog, column: str = "meeting_id"
) -> tuple[Ref | None, dt.date | None]:
    key = reader.text(column)
    if not key:
        return None, None
    if key not in catalog.meetings:
        reader.error(column, f"unknown meeting {key!r} (not in meetings and not in this import)")
        return None, None
    return Ref("meeting", key), catalog.meeting_day(key)


def _municipality(
    reader: RowReader, catalog: Catalog, column: str, *, required: bool
) -> Ref | None:
    name = reader.text(column, required=required)
    if not name:
        return None
    if name not in catalog.municipalities:
        owner = catalog.alias_owner.get(normalise_key(name))
        hint = f" (did you mean {owner!r}? use the official short name)" if owner else ""
        reader.error(column, f"unknown municipality {name!r}{hint}")
        return None
    return Ref("municipality", name)


def parse_solution(reader: RowReader, catalog: Catalog) -> list[Record]:
    code = reader.text("code", required=True)
    aliases = split_list(reader.text("aliases"))
    if not reader.ok:
        return []
    key = normalise_key(code)
    for alias in [code, *aliases]:
        owner = catalog.solution_alias.get(normalise_key(alias))
        if owner is not None and owner != key:
            reader.error("aliases", f"{alias!r} already names solution {owner!r}")
    if not reader.ok:
        return []
    for alias in [code, *aliases]:
        catalog.solution_alias[normalise_key(alias)] = key
    values: dict[str, object] = {
        "key": key,
        "code": code,
        "full_name": reader.text("full_name"),
        "full_name_basis": reader.text("full_name_basis"),
        "aliases": "; ".join(aliases),
        "source": reader.text("source"),
    }
    return [_record(reader, "solutions", values)]


def parse_municipality(reader: RowReader, catalog: Catalog) -> list[Record]:
    name = reader.text("name", required=True)
    official = reader.text("official_name", required=True)
    region = reader.text("region", required=True)
    region_official = reader.text("region_official", required=True)
    if not reader.ok:
        return []
    aliases: dict[str, tuple[str, bool]] = {}
    seen = [s.split(" (", 1)[0].strip() for s in split_list(reader.text("aliases_in_seeds"))]
    for alias, in_seeds in [
        (official, False),
        *((a, False) for a in split_list(reader.text("aliases"))),
        *((s, True) for s in seen if "," not in s),
    ]:
        key = normalise_key(alias)
        if key == normalise_key(name):
            continue
        owner = catalog.alias_owner.get(key)
        if owner is not None and owner != name:
            reader.error("aliases", f"{alias!r} is already an alias of {owner!r}")
            continue
        previous = aliases.get(key)
        aliases[key] = (
            previous[0] if previous else alias,
            in_seeds or bool(previous and previous[1]),
        )
    if not reader.ok:
        return []
    catalog.municipalities.add(name)
    catalog.alias_owner[normalise_key(name)] = name
    for key in aliases:
        catalog.alias_owner[key] = name
    values: dict[str, object] = {
        "name": name,
        "official_name": official,
        "region": region,
        "region_official": region_official,
        "seen_in_seeds": reader.text("seen_in_seeds"),
        "source": reader.text("source"),
    }
    children = [
        {"alias": alias, "alias_key": key, "seen_in_seeds": in_seeds}
        for key, (alias, in_seeds) in aliases.items()
    ]
    return [_record(reader, "municipalities", values, aliases=children)]


_AGENDA_TIME = re.compile(r"^(\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2})\s+(.*)$")
_PRESENTER = re.compile(r"\s(?:v\.|V\.?)\s*(?=[A-ZÆØÅ])(.+)$")


def parse_agenda_item(position: int, item: str) -> dict[str, object]:
    """``"10.05 - 10.25 UDK … v. Rasmus Edelberg/KL"`` → time, title and presenters."""
    time_raw, title = "", item
    if match := _AGENDA_TIME.match(item):
        time_raw, title = match.group(1), match.group(2)
    presenters = ""
    if match := _PRESENTER.search(title):
        presenters, title = match.group(1).strip(), title[: match.start()].strip()
    return {"position": position, "time_raw": time_raw, "title": title, "presenters": presenters}


def parse_meeting(reader: RowReader, catalog: Catalog) -> list[Record]:
    key = reader.text("meeting_id", required=True)
    label = reader.text("meeting", required=True)
    source = reader.text("source")
    deck_day = catalog.deck_days.get(seed_file(source)) if reader.text("kind") != "deck" else None
    status_raw, status_day = reader.day("status_as_of", context=deck_day)
    date = reader.fuzzy("date_raw", hint=None, context=status_day or deck_day)
    if not reader.ok:
        return []
    day = date.earliest if date and date.earliest else status_day
    catalog.meetings[key] = MeetingContext(key, day, seed_file(source))
    if reader.text("kind") == "deck" and day is not None:
        catalog.deck_days[seed_file(source)] = day
    values: dict[str, object] = {
        "key": key,
        "label": label,
        "kind": reader.text("kind"),
        **fuzzy_values("date", date),
        "date_basis": reader.text("date_basis"),
        "title": reader.text("title_as_written"),
        "participants_count": reader.text("participants_count"),
        "participants_raw": reader.text("participants_raw"),
        "notes": reader.text("notes"),
        "status_as_of_raw": status_raw,
        "status_as_of": status_day,
        "source": source,
    }
    agenda = [
        parse_agenda_item(i, item)
        for i, item in enumerate(split_list(reader.text("agenda_items")), 1)
    ]
    return [_record(reader, "meetings", values, agenda_items=agenda)]


def _context(
    reader: RowReader, catalog: Catalog
) -> tuple[Ref | None, str, dt.date | None, dt.date | None]:
    """Meeting reference, status date and the day a missing year is inferred from."""
    meeting, meeting_day = _meeting(reader, catalog)
    status_raw, status_day = (
        reader.day("status_as_of", context=meeting_day)
        if "status_as_of" in reader.table.header
        else ("", None)
    )
    return meeting, status_raw, status_day, status_day or meeting_day


def parse_klik_task(reader: RowReader, catalog: Catalog) -> list[Record]:
    key = reader.text("task_id", required=True)
    meeting, status_raw, status_day, context = _context(reader, catalog)
    hint = reader.year_hint()
    start = reader.fuzzy("start_raw", hint=hint, context=context)
    end = reader.fuzzy("end_raw", hint=hint, context=context, must_be_date=True)
    mandatory_raw = reader.text("mandatory").casefold()
    mandatory: bool | None = None
    if mandatory_raw in ("yes", "ja", "obligatorisk", "true"):
        mandatory = True
    elif mandatory_raw in ("no", "nej", "false"):
        mandatory = False
    elif mandatory_raw:
        reader.error("mandatory", f"{mandatory_raw!r} is not yes/no")
    counts = {c: reader.count(c) for c in ("completed", "started", "not_started")}
    project = reader.text("project")
    solution_records, solution = (
        _solution_ref(reader, catalog, project) if reader.ok else ([], None)
    )
    if not reader.ok:
        return []
    catalog.tasks.add(key)
    values: dict[str, object] = {
        "key": key,
        "solution_id": solution,
        "project_as_written": project,
        "code": reader.text("code"),
        "title": reader.text("title"),
        **fuzzy_values("start", start),
        **fuzzy_values("end", end),
        "year_inferred": reader.text("year_inferred"),
        "mandatory": mandatory,
        "target_role": reader.text("target_role"),
        "notes": reader.text("notes"),
        "meeting_id": meeting,
        "source": reader.text("source"),
    }
    records = [*solution_records, _record(reader, "klik_tasks", values)]
    if any(v is not None for v in counts.values()):
        records.append(
            _record(
                reader,
                "klik_task_status_counts",
                {
                    "task_id": Ref("task", key),
                    **counts,
                    "status_as_of_raw": status_raw,
                    "status_as_of": status_day,
                    "source": reader.text("source"),
                },
            )
        )
    return records


def agreement_kind(written: str) -> AgreementKind:
    lowered = written.casefold()
    for kind, stem in (
        (AgreementKind.TILSLUTNINGSAFTALE, "tilslutning"),
        (AgreementKind.DATABEHANDLERAFTALE, "databehandler"),
        (AgreementKind.DATAUDVEKSLINGSAFTALE, "dataudveksling"),
        (AgreementKind.SERVICEAFTALE, "serviceaftale"),
    ):
        if lowered.startswith(stem):
            return kind
    return AgreementKind.OTHER


def parse_agreement(reader: RowReader, catalog: Catalog) -> list[Record]:
    key = reader.text("agreement_id", required=True)
    title = reader.text("agreement", required=True)
    meeting, status_raw, status_day, context = _context(reader, catalog)
    hint = reader.year_hint()
    sent = reader.fuzzy("sent_raw", hint=hint, context=context)
    deadline = reader.fuzzy("deadline_raw", hint=hint, context=context, must_be_date=True)
    task_key = reader.text("related_klik_task")
    if task_key and task_key not in catalog.tasks:
        reader.error("related_klik_task", f"unknown KLIK task {task_key!r}")
    written = reader.text("solution")
    solution_records, solution = (
        _solution_ref(reader, catalog, written) if reader.ok else ([], None)
    )
    if not reader.ok:
        return []
    catalog.agreements.add(key)
    kind_written = reader.text("agreement_type")
    values: dict[str, object] = {
        "key": key,
        "solution_id": solution,
        "solution_as_written": written,
        "title": title,
        "kind": agreement_kind(kind_written or title).value,
        "kind_as_written": kind_written,
        **fuzzy_values("sent", sent),
        "sent_to": reader.text("sent_to"),
        **fuzzy_values("deadline", deadline),
        "year_inferred": reader.text("year_inferred"),
        "notes": reader.text("notes"),
        "related_task_id": Ref("task", task_key) if task_key else None,
        "status_as_of_raw": status_raw,
        "status_as_of": status_day,
        "meeting_id": meeting,
        "source": reader.text("source"),
    }
    return [*solution_records, _record(reader, "agreements", values)]


_DERIVED = re.compile(r"\s*\((udledt|derived)\)\s*$", re.IGNORECASE)
SIGNATURE_WORDS = {
    "underskrevet": SignatureStatus.SIGNED,
    "signed": SignatureStatus.SIGNED,
    "mangler underskrift": SignatureStatus.MISSING,
    "mangler": SignatureStatus.MISSING,
    "missing": SignatureStatus.MISSING,
    "ikke underskrevet": SignatureStatus.MISSING,
    "ukendt": SignatureStatus.UNKNOWN,
    "status ukendt": SignatureStatus.UNKNOWN,
    "unknown": SignatureStatus.UNKNOWN,
}
TASK_STATUS_WORDS = {
    "fuldført": TaskStatus.COMPLETED,
    "completed": TaskStatus.COMPLETED,
    "påbegyndt": TaskStatus.STARTED,
    "started": TaskStatus.STARTED,
    "ikke påbegyndt": TaskStatus.NOT_STARTED,
    "not started": TaskStatus.NOT_STARTED,
    "ukendt": TaskStatus.UNKNOWN,
    "status ukendt": TaskStatus.UNKNOWN,
    "unknown": TaskStatus.UNKNOWN,
}


def _status(
    reader: RowReader, words: dict[str, SignatureStatus] | dict[str, TaskStatus]
) -> tuple[str, bool]:
    written = reader.text("status", required=True)
    derived = bool(_DERIVED.search(written))
    word = _DERIVED.sub("", written).casefold().strip()
    status = words.get(word)
    if written and status is None:
        allowed = ", ".join(sorted({w for w in words if not w.isascii()} | {"ukendt"}))
        reader.error(
            "status",
            f"{written!r} is not a known status (one of: {allowed}; add ' (udledt)' for derived)",
        )
        return "", derived
    return (status.value if status else ""), derived


def parse_signature(reader: RowReader, catalog: Catalog) -> list[Record]:
    agreement = reader.text("agreement_id", required=True)
    if agreement and agreement not in catalog.agreements:
        reader.error("agreement_id", f"unknown agreement {agreement!r}")
    municipality = _municipality(reader, catalog, "municipality", required=True)
    status, derived = _status(reader, SIGNATURE_WORDS)
    status_raw, status_day = reader.day("status_as_of", context=None)
    if not reader.ok:
        return []
    values: dict[str, object] = {
        "agreement_id": Ref("agreement", agreement),
        "municipality_id": municipality,
        "status": status,
        "derived": derived,
        "name_as_written": reader.text("name_as_written"),
        "status_as_of_raw": status_raw,
        "status_as_of": status_day,
        "notes": reader.text("notes"),
        "source": reader.text("source"),
    }
    return [_record(reader, "agreement_signatures", values)]


def parse_task_status(reader: RowReader, catalog: Catalog) -> list[Record]:
    task = reader.text("task_id", required=True)
    if task and task not in catalog.tasks:
        reader.error("task_id", f"unknown KLIK task {task!r}")
    municipality = _municipality(reader, catalog, "municipality", required=True)
    status, derived = _status(reader, TASK_STATUS_WORDS)
    status_raw, status_day = reader.day("status_as_of", context=None)
    if not reader.ok:
        return []
    values: dict[str, object] = {
        "task_id": Ref("task", task),
        "municipality_id": municipality,
        "status": status,
        "derived": derived,
        "status_as_of_raw": status_raw,
        "status_as_of": status_day,
        "notes": reader.text("notes"),
        "source": reader.text("source"),
    }
    return [_record(reader, "klik_task_statuses", values)]


def parse_frozen_zone(reader: RowReader, catalog: Catalog) -> list[Record]:
    key = reader.text("window_id", required=True)
    system = reader.text("system", required=True)
    kind = reader.text("kind", required=True)
    meeting, status_raw, _status_day, context = _context(reader, catalog)
    start = reader.fuzzy("start_raw", hint=None, context=context)
    end = reader.fuzzy("end_raw", hint=None, context=context, must_be_date=True)
    if start and end and start.earliest and end.latest and end.latest < start.earliest:
        reader.error("end_raw", f"ends ({end.raw}) before it starts ({start.raw})")
    solution_records, solution = _solution_ref(reader, catalog, system) if reader.ok else ([], None)
    if not reader.ok:
        return []
    values: dict[str, object] = {
        "key": key,
        "solution_id": solution,
        "system_as_written": system,
        "environment": reader.text("environment"),
        "kind": kind,
        **fuzzy_values("start", start),
        **fuzzy_values("end", end),
        "calendar_shown": reader.text("calendar_shown"),
        "closed_access": reader.text("closed_access"),
        "notes": reader.text("notes"),
        "status_as_of_raw": status_raw,
        "meeting_id": meeting,
        "source": reader.text("source"),
    }
    blocked = [
        {"position": i, "action": a}
        for i, a in enumerate(split_list(reader.text("blocked_actions")), 1)
    ]
    return [*solution_records, _record(reader, "frozen_zones", values, blocked_actions=blocked)]


def parse_contact(reader: RowReader, catalog: Catalog) -> list[Record]:
    address = reader.text("address")
    name = reader.text("name")
    if not address and not name:
        reader.error("address", "a contact needs an address or a name")
    if address and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
        reader.error("address", f"{address!r} is not an e-mail address")
    meeting, _meeting_day = _meeting(reader, catalog)
    if not reader.ok:
        return []
    values: dict[str, object] = {
        "address": address,
        "name": name,
        "title": reader.text("title"),
        "role_or_topic": reader.text("role_or_topic"),
        "kind": reader.text("kind"),
        "organisation": reader.text("organisation"),
        "phone": reader.text("phone"),
        "notes": reader.text("notes"),
        "meeting_id": meeting,
        "source": reader.text("source"),
    }
    return [_record(reader, "contacts", values)]


def parse_rollout(reader: RowReader, catalog: Catalog) -> list[Record]:
    programme = reader.text("programme", required=True)
    wave = reader.text("wave", required=True)
    meeting, status_raw, _day, context = _context(reader, catalog)
    go_live = reader.fuzzy("go_live_raw", hint=reader.year_hint(), context=context)
    municipality = _municipality(reader, catalog, "municipality", required=False)
    solution_records, solution = (
        _solution_ref(reader, catalog, programme) if reader.ok else ([], None)
    )
    if not reader.ok:
        return []
    values: dict[str, object] = {
        "programme": programme,
        "solution_id": solution,
        "wave": wave,
        **fuzzy_values("go_live", go_live),
        "year_inferred": reader.text("year_inferred"),
        "municipality_name": reader.text("municipality"),
        "municipality_id": municipality,
        "name_as_written": reader.text("name_as_written"),
        "notes": reader.text("notes"),
        "status_as_of_raw": status_raw,
        "meeting_id": meeting,
        "source": reader.text("source"),
    }
    return [*solution_records, _record(reader, "rollout_waves", values)]


def parse_recorded_poll(reader: RowReader, catalog: Catalog) -> list[Record]:
    key = reader.text("poll_id", required=True)
    question = reader.text("question", required=True)
    meeting, _day = _meeting(reader, catalog)
    if not reader.ok:
        return []
    values: dict[str, object] = {
        "key": key,
        "question": question,
        "statement": reader.text("statement"),
        "options": reader.text("options"),
        "kind": reader.text("kind"),
        "channel": reader.text("channel"),
        "notes": reader.text("notes"),
        "meeting_id": meeting,
        "source": reader.text("source"),
    }
    return [_record(reader, "recorded_polls", values)]


def parse_action(reader: RowReader, catalog: Catalog) -> list[Record]:
    key = reader.text("action_id", required=True)
    action = reader.text("action", required=True)
    meeting, status_raw, _day, context = _context(reader, catalog)
    deadline = reader.fuzzy(
        "deadline_raw", hint=reader.year_hint(), context=context, must_be_date=True
    )
    if not reader.ok:
        return []
    values: dict[str, object] = {
        "key": key,
        "action": action,
        **fuzzy_values("deadline", deadline),
        "year_inferred": reader.text("year_inferred"),
        "topic": reader.text("topic"),
        "notes": reader.text("notes"),
        "status_as_of_raw": status_raw,
        "meeting_id": meeting,
        "source": reader.text("source"),
    }
    return [_record(reader, "programme_leader_actions", values)]


def parse_visit(reader: RowReader, catalog: Catalog) -> list[Record]:
    municipality = _municipality(reader, catalog, "municipality", required=True)
    status = reader.text("status", required=True)
    meeting, status_raw, _day, context = _context(reader, catalog)
    date = reader.fuzzy("date_raw", hint=None, context=context)
    if not reader.ok:
        return []
    values: dict[str, object] = {
        "municipality_id": municipality,
        "name_as_written": reader.text("name_as_written"),
        "status": status,
        **fuzzy_values("date", date),
        "notes": reader.text("notes"),
        "status_as_of_raw": status_raw,
        "meeting_id": meeting,
        "source": reader.text("source"),
    }
    return [_record(reader, "municipality_visits", values)]


SPECS: tuple[TableSpec, ...] = (
    TableSpec("solutions", frozenset({"code", "full_name", "aliases"}), parse_solution, 0),
    TableSpec(
        "municipalities",
        frozenset({"name", "official_name", "region", "region_official", "aliases"}),
        parse_municipality,
        1,
    ),
    TableSpec(
        "meetings",
        frozenset({"meeting_id", "meeting", "kind", "date_raw", "agenda_items"}),
        parse_meeting,
        2,
        # Decks first: a meeting a deck only mentions ("juni") takes its year from that deck.
        row_order=lambda row: 0 if row.cells.get("kind") == "deck" else 1,
    ),
    TableSpec(
        "klik_tasks",
        frozenset({"task_id", "project", "code", "title", "start_raw", "end_raw"}),
        parse_klik_task,
        3,
    ),
    TableSpec(
        "agreements",
        frozenset({"agreement_id", "solution", "agreement", "agreement_type", "deadline_raw"}),
        parse_agreement,
        4,
    ),
    TableSpec(
        "agreement_signatures",
        frozenset({"agreement_id", "municipality", "status"}),
        parse_signature,
        5,
    ),
    TableSpec(
        "klik_task_statuses", frozenset({"task_id", "municipality", "status"}), parse_task_status, 5
    ),
    TableSpec(
        "frozen_zones",
        frozenset({"window_id", "system", "kind", "start_raw", "end_raw"}),
        parse_frozen_zone,
        6,
    ),
    TableSpec(
        "contacts", frozenset({"address", "name", "role_or_topic", "kind"}), parse_contact, 6
    ),
    TableSpec(
        "rollout_waves",
        frozenset({"programme", "wave", "go_live_raw", "municipality"}),
        parse_rollout,
        6,
    ),
    TableSpec("polls", frozenset({"poll_id", "question", "options"}), parse_recorded_poll, 6),
    TableSpec(
        "programme_leader_actions",
        frozenset({"action_id", "action", "deadline_raw"}),
        parse_action,
        6,
    ),
    TableSpec(
        "municipality_visits", frozenset({"municipality", "status", "date_raw"}), parse_visit, 6
    ),
)
SPECS_BY_NAME = {spec.name: spec for spec in SPECS}


def identify(table: RawTable) -> TableSpec | None:
    """Which table this is: by file/sheet name first, else by its header."""
    spec = SPECS_BY_NAME.get(table.name_hint.casefold().strip())
    if spec is not None:
        return spec
    header = set(table.header)
    matches = [s for s in SPECS if s.columns <= header]
    return max(matches, key=lambda s: len(s.columns)) if matches else None


def header_errors(table: RawTable, spec: TableSpec) -> list[RowError]:
    missing = sorted(spec.columns - set(table.header))
    return [RowError(table.origin, 1, column, "required column is missing") for column in missing]


def validate_tables(
    tables: list[tuple[RawTable, TableSpec]], catalog: Catalog
) -> tuple[list[Record], list[RowError]]:
    """Validate every row of every table (in reference order); return records and all errors."""
    records: list[Record] = []
    errors: list[RowError] = []
    first_seen: dict[tuple[str, tuple[object, ...]], Record] = {}
    for table, spec in sorted(tables, key=lambda pair: pair[1].rank):
        table_errors = header_errors(table, spec)
        errors.extend(table_errors)
        if table_errors:
            continue
        rows = sorted(table.rows, key=spec.row_order) if spec.row_order else table.rows
        for row in rows:
            reader = RowReader(table, row, errors)
            extra = row.cells.get(EXTRA_CELLS)
            if extra is not None:
                reader.error("", f"{extra} more cells than the header has columns")
                continue
            for record in spec.parse(reader, catalog):
                key = (record.table, natural_key(record))
                first = first_seen.setdefault(key, record)
                if first is not record:
                    reader.error("", f"same {record.table} as {first.origin} line {first.line}")
                    continue
                records.append(record)
    return records, errors
