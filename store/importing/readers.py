"""Read CSV and XLSX files into uniform tables of text cells, remembering line numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int  # 1-based line (CSV) or row number (XLSX) where the record starts
    cells: dict[str, str]


@dataclass(slots=True)
class RawTable:
    """One table as written: a CSV file, or one worksheet of a workbook."""

    origin: str  # "klik_tasks.csv" or "plan.xlsx:klik_tasks"
    name_hint: str  # file stem or sheet title, used to tell which table it is
    header: list[str]
    rows: list[RawRow] = field(default_factory=list)
    # (line, reason) for what could not be read as written; the rest is still read, so that
    # one import reports every problem of the file at once.
    problems: list[tuple[int, str]] = field(default_factory=list)


EXTRA_CELLS = "\x00extra"  # pseudo-column: a row had more cells than the header


class UnreadableFile(ValueError):
    """The file cannot be read as CSV or XLSX at all (reported as a row error at line 1)."""


def read_tables(path: Path, content: bytes) -> list[RawTable]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_csv(path, content)]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, content)
    raise UnreadableFile(f"unsupported file type {suffix or '(none)'}: use .csv or .xlsx")


def _decode(content: bytes) -> tuple[str, list[tuple[int, str]]]:
    """UTF-8 text (BOM dropped); a line with bytes that are not UTF-8 is reported and read
    with U+FFFD in their place."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    lines, problems = [], []
    for number, line in enumerate(content.split(b"\n"), start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            problems.append((number, f"not UTF-8 text (byte {exc.start + 1} of the line)"))
            lines.append(line.decode("utf-8", "replace"))
    return "\n".join(lines), problems


def _read_csv(path: Path, content: bytes) -> RawTable:
    text, problems = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise UnreadableFile("empty file: no header row") from exc
    except csv.Error as exc:
        raise UnreadableFile(f"malformed CSV header: {exc}") from exc
    table = RawTable(origin=path.name, name_hint=path.stem, header=header, problems=problems)
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field over the csv module's size limit
            table.problems.append((start, f"malformed CSV: {exc}"))
        else:
            if any(v.strip() for v in values):
                table.rows.append(RawRow(start, _cells(header, values)))
        start = reader.line_num + 1
    return table


def _cells(header: list[str], values: list[str]) -> dict[str, str]:
    cells = {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)}
    if len(values) > len(header):
        cells[EXTRA_CELLS] = str(len(values) - len(header))
    return cells


def _read_xlsx(path: Path, content: bytes) -> list[RawTable]:
    from openpyxl import load_workbook  # only an import needs it; keeps it out of start-up

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a corrupt workbook
        raise UnreadableFile(f"not a readable XLSX workbook ({type(exc).__name__})") from exc
    tables = []
    for sheet in workbook.worksheets:
        rows = _sheet_rows(sheet.iter_rows(values_only=True))
        try:
            _header_line, header_values = next(rows)
        except StopIteration:
            continue  # an empty sheet is no table
        header = [_cell_text(v) for v in header_values]
        while header and not header[-1]:
            header.pop()
        table = RawTable(
            origin=f"{path.name}:{sheet.title}",
            name_hint=sheet.title if len(workbook.worksheets) > 1 else path.stem,
            header=header,
        )
        table.rows.extend(
            RawRow(line, _cells(header, [_cell_text(v) for v in values][: len(header)]))
            for line, values in rows
        )
        tables.append(table)
    workbook.close()
    return tables


def _sheet_rows(rows: Iterator[tuple[object, ...]]) -> Iterator[tuple[int, tuple[object, ...]]]:
    for number, values in enumerate(rows, start=1):
        if any(_cell_text(v) for v in values):
            yield number, values


def _cell_text(value: object) -> str:
    """Spreadsheet cells as the slide text would have them (dates as dd.mm.yyyy)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
