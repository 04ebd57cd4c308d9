"""The Teams app manifest is valid for the official schema and promises only what is built."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import jsonschema

from dialogs.router import recognise

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_DIR = ROOT / "manifest"
SCHEMA = (
    ROOT.parent / "shared" / "schemas" / "teams-manifest" / "v1.22" / "MicrosoftTeams.schema.json"
)


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


def test_every_listed_command_is_one_the_bot_understands() -> None:
    bots = manifest()["bots"]
    assert isinstance(bots, list)
    titles = [c["title"] for bot in bots for lst in bot["commandLists"] for c in lst["commands"]]
    assert titles
    for title in titles:
        assert recognise(title) is not None, title
