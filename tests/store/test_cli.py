"""``kombitbot import`` as an admin runs it: exit codes and messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from kombitbot.cli import main
from store.repository import BUILTIN_DATA_DIR


def test_import_of_a_bad_file_names_the_row_and_exits_non_zero(
    empty_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    bad = tmp_path / "municipalities.csv"
    lines = (BUILTIN_DATA_DIR / "municipalities.csv").read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("Hovedstaden,Region Hovedstaden", ",Region Hovedstaden", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "municipalities.csv, line 6, column region: is empty but required" in err
    assert "nothing was imported" in err


def test_import_of_the_builtin_files_then_again_reports_no_change(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    paths = [str(p) for p in sorted(BUILTIN_DATA_DIR.glob("*.csv"))]
    assert main(["import", *paths]) == 0
    assert "Imported:" in capsys.readouterr().out
    assert main(["import", *paths]) == 0
    assert "Nothing changed" in capsys.readouterr().out


def test_a_missing_file_is_reported(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    assert main(["import", "/nonexistent/klik_tasks.csv"]) == 2
    assert "no such file" in capsys.readouterr().err
