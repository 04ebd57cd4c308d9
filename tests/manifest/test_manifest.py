"""The Teams app manifest is valid for the official schema and promises only what is built."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct
import zipfile
from pathlib import Path

import jsonschema
import pytest

from dialogs.polls.commands import parse_poll_command
from dialogs.reminders.commands import parse_reminder_command
from dialogs.router import recognise
from kombitbot.cli import main

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_DIR = ROOT / "manifest"
SCHEMA = MANIFEST_DIR / "schema" / "MicrosoftTeams.schema.json"
# Its SHA-256 as recorded in tests/fixtures/SOURCES.md, taken from @microsoft/app-manifest 1.1.2.
OFFICIAL_V1_22_SHA256 = "1405f8ee5b7c1a62c5ade88f967252c7326c8f79eb77e693da4544780c101c2d"


def manifest() -> dict[str, object]:
    return json.loads((MANIFEST_DIR / "manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def png_size(path: Path) -> tuple[int, int, int]:
    header = path.read_bytes()[:26]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, _depth, color_type = struct.unpack(">IIBB", header[16:26])
    return width, height, color_type


def test_manifest_validates_against_the_official_v1_22_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(manifest())


def test_icons_have_the_sizes_teams_requires() -> None:
    assert png_size(MANIFEST_DIR / "color.png")[:2] == (192, 192)
    width, height, color_type = png_size(MANIFEST_DIR / "outline.png")
    assert (width, height) == (32, 32)
    assert color_type == 6, "the outline icon needs an alpha channel (transparent background)"


NOW = dt.datetime(2025, 11, 25, 10, 0, tzinfo=dt.UTC)


def test_every_listed_command_is_one_the_bot_understands() -> None:
    bots = manifest()["bots"]
    assert isinstance(bots, list)
    titles = [c["title"] for bot in bots for lst in bot["commandLists"] for c in lst["commands"]]
    assert titles
    for title in titles:
        understood = (
            recognise(title) is not None
            or parse_poll_command(title, NOW) is not None
            or parse_reminder_command(title) is not None
        )
        assert understood, title


def test_the_package_command_writes_a_valid_app_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot_id = "2b9d6a3e-5a7c-4d1e-9f0b-4c3d2e1f0a9b"
    monkeypatch.setenv("MicrosoftAppId", bot_id)
    out = tmp_path / "app.zip"
    assert main(["package", "--out", str(out), "--domain", "kombitbot.example.dk"]) == 0
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        packaged = json.loads(archive.read("manifest.json"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(packaged)
    assert packaged["id"] == bot_id
    assert [bot["botId"] for bot in packaged["bots"]] == [bot_id]
    assert packaged["validDomains"] == ["kombitbot.example.dk"]


@pytest.mark.parametrize(
    ("app_id", "domain", "message"),
    [
        ("", "kombitbot.example.dk", "Set MicrosoftAppId"),
        ("not-a-guid", "kombitbot.example.dk", "must be a GUID"),
        (
            "2b9d6a3e-5a7c-4d1e-9f0b-4c3d2e1f0a9b",
            "https://kombitbot.example.dk/api",
            "must be a host name",
        ),
    ],
)
def test_the_package_command_refuses_bad_settings(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    app_id: str,
    domain: str,
    message: str,
) -> None:
    monkeypatch.setenv("MicrosoftAppId", app_id)
    assert main(["package", "--out", str(tmp_path / "app.zip"), "--domain", domain]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "app.zip").exists()


def test_the_packaged_schema_copy_is_the_official_one() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == OFFICIAL_V1_22_SHA256
    assert OFFICIAL_V1_22_SHA256 in (ROOT / "tests" / "fixtures" / "SOURCES.md").read_text()
