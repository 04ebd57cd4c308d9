"""A clone is all it takes: nothing reads outside the repository, every fixture says where it is from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES_DIR
from tests.support.cards import teams_schema_errors

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".git", ".venv", "build", "node_modules", "__pycache__", ".playground"}
CODE_SUFFIXES = {".py", ".sh", ".toml", ".ini", ".cfg", ".txt", ".json", ".yml", ".yaml", ""}
# "../shared", "..\shared", or a path built as `... / "shared"` / os.path.join(..., "shared")
OUTSIDE = re.compile(r"\.\.[/\\]shared\b|/\s*[\"']shared[\"']|,\s*[\"']shared[\"']\s*\)")


def project_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        if any(part in SKIPPED_DIRS or part.endswith(".egg-info") for part in path.parts):
            continue
        if path.is_file() and path.suffix in CODE_SUFFIXES and path != Path(__file__):
            found.append(path)
    return found


def test_no_code_script_or_setting_reads_the_workspace_folder_beside_the_clone() -> None:
    files = project_files()
    assert ROOT / "app.py" in files and ROOT / "scripts" / "test" in files
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_the_pattern_catches_the_ways_a_path_outside_is_written() -> None:
    for line in (
        'SHARED = ROOT.parent / "shared" / "data"',
        "cat ../shared/fixtures/x.json",
        "os.path.join(ROOT, '..', 'shared')",
    ):
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search("a reminder card is shared with the channel")


def test_every_fixture_file_is_accounted_for_in_sources() -> None:
    sources = (FIXTURES_DIR / "SOURCES.md").read_text(encoding="utf-8")
    fixtures = sorted(
        p.relative_to(FIXTURES_DIR).as_posix()
        for p in FIXTURES_DIR.rglob("*")
        if p.is_file() and p.name != "SOURCES.md"
    )
    assert len(fixtures) >= 20
    missing = [name for name in fixtures if f"`{name}`" not in sources]
    assert missing == []


@pytest.mark.parametrize(
    "example", sorted((FIXTURES_DIR / "adaptive-cards" / "teams-charts").glob("*.json")), ids=str
)
def test_microsofts_chart_examples_pass_the_schema_our_charts_are_checked_with(
    example: Path,
) -> None:
    """The Teams card schema our poll charts are held to accepts Microsoft's documented charts
    (so a chart of ours it refuses is our mistake, not the schema's)."""
    card = json.loads(example.read_text(encoding="utf-8"))
    assert teams_schema_errors(card) == []
    assert any(element["type"].startswith("Chart.") for element in card["body"])
