"""Who may write what: every write path against every role, with the audit trail it leaves.

Roles: an unregistered user, a programme leader (registered for one municipality), a KOMBIT
admin (``is_admin``), and whoever runs ``kombitbot import`` on the server. Already covered
elsewhere and not repeated here (tests/bot/test_self_report.py): a programme leader refused for
another municipality and allowed for their own, with that audit entry; confirming someone
else's proposal; undo by the person who made the change; a non-admin refused "log for Vejle".
Chat import over HTTP, with downloads and URL checks, is tests/bot/test_file_import.py.
"""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.file_import import NOT_ADMIN, DownloadPolicy, FileImport, SharedFile
from dialogs.reply import Reply
from dialogs.router import Dialogs, User
from dialogs.self_report import REFUSED
from kombitbot.cli import main
from store.db import create_engine
from store.importing import ImportFile
from store.models import AuditEntry, Municipality, UserProfile
from store.profiles import Profiles
from store.repository import BUILTIN_DATA_DIR, Store
from store.updates import StatusUpdates
from tests.conftest import FIXED_NOW
from tests.support.connector import MockConnector
from tests.support.snapshots import snapshot

ADMIN = User("aad-admin", "29:admin", "Karin KOMBIT", "conv-admin")
METTE = User("aad-mette", "29:mette", "Mette", "conv-mette")  # programme leader, Vejle
OLE = User("aad-ole", "29:ole", "Ole", "conv-ole")  # programme leader, Vejen
STRANGER = User("aad-stranger", "29:stranger", "Ukendt", "conv-stranger")  # not registered
FLIS = "A002-09"  # FLIS: Databehandleraftale - ny skabelon
SOLUTIONS = BUILTIN_DATA_DIR / "solutions.csv"


def solution_rows() -> int:
    with SOLUTIONS.open(encoding="utf-8", newline="") as file:
        return sum(1 for _row in csv.DictReader(file))


@dataclass
class Bot:
    store: Store
    dialogs: Dialogs

    async def say(self, user: User, text: str) -> Reply:
        return await self.dialogs.respond(text, user)

    async def click(self, user: User, reply: Reply, title: str) -> Reply:
        assert reply.card is not None, reply.text
        data = next(a["data"] for a in reply.card["actions"] if a["title"] == title)
        outcome = await self.dialogs.card_action(data, user)
        assert outcome is not None
        return outcome

    async def audit(self) -> list[AuditEntry]:
        async with self.store.sessions() as session:
            return list((await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all())

    async def municipality_id(self, name: str) -> int | None:
        async with self.store.sessions() as session:
            return await session.scalar(select(Municipality.id).where(Municipality.name == name))


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Bot]:
    """The dialogs with ADMIN as the only KOMBIT admin, Mette in Vejle and Ole in Vejen."""
    store = Store(create_engine(database_url))
    profiles = Profiles(store.sessions)
    dialogs = Dialogs(
        store,
        profiles,
        StatusUpdates(store.sessions),
        lambda: FIXED_NOW,
        lambda aad: aad == ADMIN.aad_object_id,
    )
    for user, municipality in ((METTE, "Vejle"), (OLE, "Vejen")):
        await profiles.register(
            user.aad_object_id,
            name=user.name,
            teams_user_id=user.teams_user_id,
            municipality=municipality,
            now=FIXED_NOW,
        )
    yield Bot(store, dialogs)
    await store.close()


async def confirmed_change(bot: Bot, user: User, text: str) -> Reply:
    proposal = await bot.say(user, text)
    saved = await bot.click(user, proposal, "Bekræft")
    assert saved.text.startswith("Gemt:"), saved.text
    return saved


async def test_an_unregistered_user_can_report_nothing(bot: Bot) -> None:
    before = await snapshot(bot.store)
    named = await bot.say(STRANGER, "Vejle har underskrevet FLIS-databehandleraftalen")
    assert named.card is None
    assert named.text == "Du kan kun indberette status for den kommune, du er programleder i."
    assert "Hvem er »vi«?" in (await bot.say(STRANGER, "vi har underskrevet ADG_0")).text
    assert await snapshot(bot.store) == before, "no proposal, no status, no audit entry"


async def test_an_admin_may_report_for_any_municipality(bot: Bot) -> None:
    saved = await confirmed_change(bot, ADMIN, "Vejen har underskrevet FLIS-databehandleraftalen")
    assert "Vejen har underskrevet »FLIS" in saved.text
    await confirmed_change(bot, ADMIN, "ADG_0 er fuldført for Vejle")
    first, second = await bot.audit()
    assert (first.actor_aad_object_id, first.actor_name, first.action) == (
        "aad-admin",
        "Karin KOMBIT",
        "status_change",
    )
    assert (first.entity, first.entity_key) == ("agreement", FLIS)
    assert first.municipality_id == await bot.municipality_id("Vejen")
    assert first.before == ""
    assert json.loads(first.after) == {
        "target": "agreement",
        "key": FLIS,
        "municipality": "Vejen",
        "status": "signed",
    }
    assert (second.entity, second.entity_key, json.loads(second.after)["municipality"]) == (
        "task",
        "T002-07",  # ADG_0's key
        "Vejle",
    )


async def test_only_the_author_or_an_admin_may_undo_a_change(bot: Bot) -> None:
    saved = await confirmed_change(bot, METTE, "vi har underskrevet FLIS-databehandleraftalen")
    before = await snapshot(bot.store)
    for other in (OLE, STRANGER):  # another municipality's leader, an unregistered user
        refused = await bot.click(other, saved, "Fortryd ændringen")
        assert refused.text == REFUSED["not_yours"]["da"]
    assert await snapshot(bot.store) == before, "a refused undo writes nothing"

    undone = await bot.click(ADMIN, saved, "Fortryd ændringen")
    assert undone.text.startswith("Fortrudt:")
    change, undo = await bot.audit()
    assert change.undone_by == undo.id
    assert (undo.actor_aad_object_id, undo.actor_name, undo.action) == (
        "aad-admin",
        "Karin KOMBIT",
        "undo",
    )
    assert (undo.entity, undo.entity_key) == ("agreement", FLIS)
    assert undo.municipality_id == await bot.municipality_id("Vejle")
    assert json.loads(undo.before)["status"] == "signed"  # what the undo replaced
    assert undo.after == change.before == ""  # back to no status: unknown
    again = await bot.click(METTE, saved, "Fortryd ændringen")
    assert again.text == REFUSED["done"]["da"], "an undone change cannot be undone twice"


async def test_registering_and_forgetting_touch_only_your_own_profile(bot: Bot) -> None:
    anonymous = await bot.say(User(name="Uden id"), "jeg er programleder i Vejle")
    assert "Jeg kan ikke se, hvem du er" in anonymous.text
    await bot.say(STRANGER, "jeg er programleder i Vejle")
    await bot.say(OLE, "glem mig")
    async with bot.store.sessions() as session:
        profiles = set((await session.scalars(select(UserProfile.aad_object_id))).all())
    assert profiles == {"aad-mette", "aad-stranger"}


async def test_the_change_log_is_for_admins_only_and_shows_every_kind_of_write(bot: Bot) -> None:
    await confirmed_change(bot, METTE, "vi har underskrevet FLIS-databehandleraftalen")
    await bot.store.import_files(
        [ImportFile.from_path(SOLUTIONS)],
        kind="chat",
        imported_by=ADMIN.aad_object_id,
        imported_by_name=ADMIN.name,
        now=FIXED_NOW,
    )
    for user, ask in (
        (METTE, "log i dag"),
        (METTE, "log for Vejle"),  # not even for her own municipality
        (OLE, "change log today"),
        (STRANGER, "log i dag"),
    ):
        refused = (await bot.say(user, ask)).text
        assert refused in (
            "Ændringsloggen kan kun ses af KOMBIT-administratorer.",
            "Only KOMBIT admins can see the change log.",
        ), (user.name, ask, refused)

    rows = solution_rows()
    today = (await bot.say(ADMIN, "log i dag")).text
    assert (
        "25.11.2025 10:00 – Karin KOMBIT: import af solutions.csv "
        f"({rows} rækker, ingen ændringer)" in today
    )
    assert "25.11.2025 10:00 – Mette: Vejle, FLIS: Databehandleraftale" in today
    english = (await bot.say(ADMIN, "change log today")).text
    assert f"Karin KOMBIT: import of solutions.csv ({rows} rows, no changes)" in english
    vejle = (await bot.say(ADMIN, "log for Vejle")).text
    assert "Mette: Vejle, FLIS" in vejle and "import af" not in vejle


async def test_chat_import_is_for_admins_only_and_audited(
    bot: Bot, connector: MockConnector
) -> None:
    url = connector.serve_file("solutions.csv", SOLUTIONS.read_bytes())
    files = [SharedFile("solutions.csv", url)]
    importer = FileImport(
        bot.store,
        lambda aad: aad == ADMIN.aad_object_id,
        DownloadPolicy(64 * 1024, frozenset({"127.0.0.1"})),
        lambda: FIXED_NOW,
    )
    before = await snapshot(bot.store)
    for user in (METTE, STRANGER):
        assert (await importer.respond(files, user)).text == NOT_ADMIN
    assert connector.downloads == []
    assert await snapshot(bot.store) == before

    reply = await importer.respond(files, ADMIN)
    assert "solutions.csv" in reply.text
    [entry] = await bot.audit()
    assert (entry.actor_aad_object_id, entry.actor_name) == ("aad-admin", "Karin KOMBIT")
    assert (entry.action, entry.entity, entry.entity_key) == ("import", "import", "solutions.csv")
    assert entry.municipality_id is None and entry.before == ""
    summary = json.loads(entry.after)
    assert (summary["files"], summary["tables"], summary["rows"]) == (
        ["solutions.csv"],
        {"solutions": solution_rows()},
        solution_rows(),
    )


async def audit_entries(database_url: str) -> list[AuditEntry]:
    store = Store(create_engine(database_url))
    try:
        async with store.sessions() as session:
            return list((await session.scalars(select(AuditEntry))).all())
    finally:
        await store.close()


def test_a_cli_import_is_audited_as_cli_and_a_rejected_one_is_not(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    bad = tmp_path / "municipalities.csv"
    lines = (BUILTIN_DATA_DIR / "municipalities.csv").read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("Hovedstaden,Region Hovedstaden", ",Region Hovedstaden", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["import", str(bad)]) == 1
    assert asyncio.run(audit_entries(database_url)) == []

    good = tmp_path / "agreements.csv"
    text = (BUILTIN_DATA_DIR / "agreements.csv").read_text(encoding="utf-8")
    good.write_text(text.replace("Forlængelsen bliver på 1 år", "Forlængelsen er på 1 år"))
    assert main(["import", str(good)]) == 0
    assert "Imported: 0 new, 1 updated" in capsys.readouterr().out
    [entry] = asyncio.run(audit_entries(database_url))
    assert (entry.actor_aad_object_id, entry.actor_name, entry.action, entry.entity_key) == (
        "cli",
        "",
        "import",
        "agreements.csv",
    )
    summary: dict[str, Any] = json.loads(entry.after)
    assert (summary["inserted"], summary["updated"]) == (0, 1)
    assert summary["tables"] == {"agreements": summary["rows"]}
