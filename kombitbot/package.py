"""``kombitbot package``: the Teams app zip, filled in from settings and validated.

The template in ``manifest/`` carries placeholder ids; this fills in the bot's Entra app id
(also used as the Teams app id unless one is given) and the domain the bot is served from,
validates the result against the official manifest schema (a copy of v1.22 is kept in
``manifest/schema``) and writes ``manifest.json`` with both icons into one zip.
"""

from __future__ import annotations

import copy
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST_DIR = Path(__file__).resolve().parents[1] / "manifest"
SCHEMA = MANIFEST_DIR / "schema" / "MicrosoftTeams.schema.json"
ICONS = ("color.png", "outline.png")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")


class PackageError(ValueError):
    """The settings cannot make a valid app package; the message says which and why."""


@dataclass(frozen=True, slots=True)
class PackageSettings:
    bot_id: str  # MicrosoftAppId
    domain: str  # where /api/messages is served, e.g. kombitbot.azurewebsites.net
    teams_app_id: str = ""  # defaults to bot_id
    version: str = "0.1.0"


def build_manifest(template: dict[str, Any], settings: PackageSettings) -> dict[str, Any]:
    """The template with ids and domain filled in (pure: the template is not changed)."""
    if not _GUID.match(settings.bot_id):
        raise PackageError(f"MicrosoftAppId must be a GUID, got {settings.bot_id!r}")
    app_id = settings.teams_app_id or settings.bot_id
    if not _GUID.match(app_id):
        raise PackageError(f"KOMBITBOT_TEAMS_APP_ID must be a GUID, got {app_id!r}")
    domain = settings.domain.strip().lower()
    if not _DOMAIN.match(domain):
        raise PackageError(
            f"KOMBITBOT_DOMAIN must be a host name such as kombitbot.example.dk, got {settings.domain!r}"
        )
    manifest = copy.deepcopy(template)
    manifest["id"] = app_id
    manifest["version"] = settings.version
    for bot in manifest.get("bots", []):
        bot["botId"] = settings.bot_id
    manifest["validDomains"] = [domain]
    return manifest


def validate(manifest: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(
        jsonschema.validators.validator_for(schema)(schema).iter_errors(manifest), key=str
    )
    if errors:
        raise PackageError("manifest is not valid: " + "; ".join(e.message for e in errors[:5]))


def write_package(settings: PackageSettings, out: Path) -> Path:
    template = json.loads((MANIFEST_DIR / "manifest.json").read_text(encoding="utf-8"))
    manifest = build_manifest(template, settings)
    validate(manifest)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for icon in ICONS:
            archive.write(MANIFEST_DIR / icon, icon)
    return out
