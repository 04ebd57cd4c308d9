"""KOMBIT admins import data by attaching a CSV/XLSX file in personal chat.

The service runs with authentication on (so only ``KOMBITBOT_ADMIN_IDS`` are admins) and
downloads from the mock connector's file route, the stand-in for the SharePoint link Teams
puts in a ``file.download.info`` attachment. Every test asserts what the user reads, what was
fetched, and what the database holds afterwards.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from botbuilder.schema import Activity
from sqlalchemy import select

from app import REMINDERS_KEY, create_app
from bot.addresses import AddressPolicy
from bot.file_import import DownloadError, DownloadPolicy, download, shared_files, url_allowed
from bot.outbound import GuardedResolver
from kombitbot.settings import Settings
from store.db import create_engine
from store.models import Agreement, AuditEntry
from store.repository import BUILTIN_DATA_DIR, Store
from store.snapshot import data_version
from tests.conftest import FIXED_NOW, FIXTURES, settings_for, teams_activity, wait_ready
from tests.notifications.delivery_support import AGREEMENT, DAY
from tests.support.cards import assert_valid_card
from tests.support.connector import MockConnector
from tests.support.entra import LocalCredentialsFactory, OpenIdMetadataServer
from tests.support.snapshots import snapshot

APP_ID = "2b9d6a3e-5a7c-4d1e-9f0b-4c3d2e1f0a9b"
ADMIN = "7faf8ab2-3d56-4244-b585-20c8a42ed2b8"  # Megan Bowen, the sender in personal-message
MAX_BYTES = 64 * 1024
NOT_ADMIN = {"id": "29:someone", "name": "Programleder", "aadObjectId": "aad-not-an-admin"}
# Any message makes the bot remember its chat (where reminders may go); not an import's write.
REMEMBERED = ("bot_conversations",)


class Chat:
    """A personal chat with the bot, every request carrying a valid channel token."""

    def __init__(
        self, client: TestClient, connector: MockConnector, openid: OpenIdMetadataServer
    ) -> None:
        self.client = client
        self.connector = connector
        self.openid = openid

    async def post(self, activity: dict[str, Any]) -> str:
        token = self.openid.token(app_id=APP_ID, service_url=activity["serviceUrl"])
        before = len(self.connector.received)
        response = await self.client.post(
            "/api/messages", json=activity, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status in (200, 201), response.status
        return (await self.connector.wait_for(before + 1))[before].all_text()

    async def send_file(
        self, name: str, url: str, file_type: str = "", sender: dict[str, str] | None = None
    ) -> str:
        """Attach a file as Teams does (the real fixture merged into a personal message)."""
        attachments = json.loads((FIXTURES / "message-file-attachment.json").read_text())
        [attachment] = attachments["attachments"]
        attachment["name"] = name
        attachment["content"].update(downloadUrl=url, fileType=file_type or name.split(".")[-1])
        changes: dict[str, Any] = {"attachments": [attachment]}
        if sender is not None:
            changes["from"] = sender
        return await self.post(teams_activity("personal-message", self.connector, **changes))

    async def ask(self, text: str) -> str:
        return await self.post(teams_activity("personal-message", self.connector, text=text))


@pytest.fixture
def openid() -> Iterator[OpenIdMetadataServer]:
    server = OpenIdMetadataServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def chat(
    database_url: str, connector: MockConnector, openid: OpenIdMetadataServer
) -> AsyncIterator[Chat]:
    settings = settings_for(
        database_url,
        app_id=APP_ID,
        app_password="not-used-credentials-are-local",
        channel_openid_metadata_url=openid.metadata_url,
        admin_ids=(ADMIN,),
        trusted_download_hosts=("127.0.0.1",),
        max_import_bytes=MAX_BYTES,
    )
    app = create_app(
        settings, clock=lambda: FIXED_NOW, credentials_factory=LocalCredentialsFactory(APP_ID)
    )
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        yield Chat(client, connector, openid)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    store = Store(create_engine(database_url))
    yield store
    await store.close()


def builtin_rows(table: str) -> tuple[list[str], list[dict[str, str]]]:
    with (BUILTIN_DATA_DIR / f"{table}.csv").open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), list(reader)


def csv_bytes(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


async def current_version(store: Store) -> int:
    async with store.sessions() as session:
        return await data_version(session)


async def test_an_admin_imports_a_csv_the_facts_change_and_the_import_is_audited(
    chat: Chat, connector: MockConnector, store: Store
) -> None:
    header, rows = builtin_rows("agreements")
    [changed] = [row for row in rows if row["agreement_id"] == "A000-02"]
    [unchanged] = [row for row in rows if row["agreement_id"] == "A000-01"]
    changed["notes"] = "Ny note fra KOMBIT"
    version = await current_version(store)
    url = connector.serve_file("agreements.csv", csv_bytes(header, [unchanged, changed]))

    answer = await chat.send_file("agreements.csv", url)

    assert connector.downloads == ["agreements.csv"]
    assert "Importeret: agreements.csv" in answer
    assert "0 nye og 1 ændrede rækker (2 rækker tjekket)" in answer
    assert f"Ny dataversion: {version + 1}" in answer
    assert "- agreements: 2" in answer
    [card] = connector.received[-1].cards
    assert_valid_card(card)
    async with store.sessions() as session:
        assert await session.scalar(select(Agreement.notes).where(Agreement.key == "A000-02")) == (
            "Ny note fra KOMBIT"
        )
        [entry] = (await session.scalars(select(AuditEntry))).all()
    assert (entry.actor_aad_object_id, entry.actor_name) == (ADMIN, "Megan Bowen")
    assert (entry.action, entry.entity, entry.entity_key) == ("import", "import", "agreements.csv")
    assert entry.before == ""
    assert json.loads(entry.after) == {
        "files": ["agreements.csv"],
        "tables": {"agreements": 2},
        "rows": 2,
        "inserted": 0,
        "updated": 1,
        "data_version": version + 1,
    }
    log = await chat.ask("log i dag")
    assert (
        "25.11.2025 10:00 – Megan Bowen: import af agreements.csv (2 rækker, 0 nye, 1 ændrede)"
        in log
    )

    again = await chat.send_file("agreements.csv", url)
    assert "Ingen ændringer: agreements.csv" in again
    assert f"dataversionen er stadig {version + 1}" in again


async def test_an_invalid_csv_lists_the_first_errors_and_changes_nothing(
    chat: Chat, connector: MockConnector, store: Store
) -> None:
    header, rows = builtin_rows("municipalities")
    for row in rows[1:14]:  # lines 3-15 (the header is line 1)
        row["region"] = ""
    url = connector.serve_file("municipalities.csv", csv_bytes(header, rows))
    before = await snapshot(store, ignore=REMEMBERED)

    answer = await chat.send_file("municipalities.csv", url)

    assert "Importen blev afvist – intet er ændret" in answer
    assert "13 problemer i municipalities.csv" in answer
    assert "municipalities.csv, line 3, column region: is empty but required" in answer
    assert "municipalities.csv, line 12, column region: is empty but required" in answer
    assert "line 13, column region" not in answer, "only the first ten are listed"
    assert "… og 3 til" in answer
    [card] = connector.received[-1].cards
    assert_valid_card(card)
    assert await snapshot(store, ignore=REMEMBERED) == before, (
        "nothing written, not even an audit entry"
    )


async def test_a_non_admin_is_refused_and_nothing_is_downloaded(
    chat: Chat, connector: MockConnector, store: Store
) -> None:
    header, rows = builtin_rows("agreements")
    url = connector.serve_file("agreements.csv", csv_bytes(header, rows[:1]))
    before = await snapshot(store, ignore=REMEMBERED)

    answer = await chat.send_file("agreements.csv", url, sender=NOT_ADMIN)

    assert "Kun KOMBIT-administratorer kan importere data" in answer
    assert "Jeg har ikke hentet filen, og intet er ændret." in answer
    assert connector.downloads == []
    assert await snapshot(store, ignore=REMEMBERED) == before


async def test_only_csv_and_xlsx_are_imported(
    chat: Chat, connector: MockConnector, store: Store
) -> None:
    before = await snapshot(store, ignore=REMEMBERED)
    url = connector.serve_file("rapport.pdf", b"%PDF-1.7")
    answer = await chat.send_file("rapport.pdf", url)
    assert "Jeg kan kun importere .csv- og .xlsx-filer" in answer and "rapport.pdf" in answer
    # The real fixture as Teams sent it: a .txt file on a host that is never contacted.
    activity = teams_activity(
        "personal-message",
        connector,
        attachments=json.loads((FIXTURES / "message-file-attachment.json").read_text())[
            "attachments"
        ],
    )
    assert "ikke file_example.txt" in await chat.post(activity)
    assert connector.downloads == []
    assert await snapshot(store, ignore=REMEMBERED) == before


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:{port}/files/agreements.csv",  # plain http to a host not trusted
        "ftp://127.0.0.1:{port}/files/agreements.csv",
    ],
)
async def test_a_download_url_that_is_not_allowed_is_never_fetched(
    chat: Chat, connector: MockConnector, store: Store, url: str
) -> None:
    header, rows = builtin_rows("agreements")
    served = connector.serve_file("agreements.csv", csv_bytes(header, rows[:1]))
    port = served.split(":")[2].split("/")[0]
    before = await snapshot(store, ignore=REMEMBERED)

    answer = await chat.send_file("agreements.csv", url.format(port=port))

    assert "Jeg kunne ikke hente agreements.csv" in answer
    assert "kun filer fra Teams over en sikker forbindelse (https)" in answer
    assert "Intet er ændret." in answer
    assert connector.downloads == []
    assert await snapshot(store, ignore=REMEMBERED) == before


async def test_a_redirect_to_a_host_that_is_not_allowed_is_not_followed(
    chat: Chat, connector: MockConnector, store: Store
) -> None:
    url = connector.serve_redirect("agreements.csv", "http://169.254.169.254/latest/meta-data/")
    before = await snapshot(store, ignore=REMEMBERED)
    answer = await chat.send_file("agreements.csv", url)
    assert "kun filer fra Teams over en sikker forbindelse" in answer
    assert connector.downloads == ["agreements.csv"]  # the redirect itself, nothing after it
    assert await snapshot(store, ignore=REMEMBERED) == before


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "no-content-length"])
async def test_an_oversized_file_is_refused(
    chat: Chat, connector: MockConnector, store: Store, chunked: bool
) -> None:
    header, rows = builtin_rows("agreements")
    content = csv_bytes(header, rows * 8)
    assert len(content) > MAX_BYTES
    url = connector.serve_file("agreements.csv", content, chunked=chunked)
    before = await snapshot(store, ignore=REMEMBERED)

    answer = await chat.send_file("agreements.csv", url)

    assert "Jeg kunne ikke hente agreements.csv: den er større end 64 kB. Intet er ændret." in (
        answer
    )
    assert await snapshot(store, ignore=REMEMBERED) == before


async def test_a_failed_download_gets_a_clear_answer(
    chat: Chat, connector: MockConnector, store: Store
) -> None:
    missing = f"{connector.service_url}files/agreements.csv"  # nothing served there: 404
    before = await snapshot(store, ignore=REMEMBERED)
    answer = await chat.send_file("agreements.csv", missing)
    assert "hentningen mislykkedes (HTTP 404); prøv at sende den igen" in answer
    assert await snapshot(store, ignore=REMEMBERED) == before


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://contoso.sharepoint.com/personal/x/download.aspx?tempauth=abc", True),
        ("https://download.link", True),
        ("http://contoso.sharepoint.com/x.csv", False),
        ("http://127.0.0.1:8080/files/x.csv", True),  # trusted for http
        ("https://127.0.0.1/files/x.csv", True),  # trusted
        ("https://localhost/x.csv", False),
        ("https://10.0.0.5/x.csv", False),
        ("https://169.254.169.254/latest/meta-data/", False),
        ("https://127.1/x.csv", False),
        ("https://2130706433/x.csv", False),
        ("https://0x7f000001/x.csv", False),  # hexadecimal
        ("https://0x7f.0.0.1/x.csv", False),  # mixed radix
        ("https://0177.0.0.1/x.csv", False),  # octal
        ("https://0x7f.1/x.csv", False),
        ("https://localhost./x.csv", False),  # trailing dot
        ("https://0xa9.0xfe.0xa9.0xfe/latest/meta-data/", False),  # 169.254.169.254
        ("https://[::ffff:127.0.0.1]/x.csv", False),  # IPv4-mapped
        ("https://[::ffff:a9fe:a9fe]/x.csv", False),
        ("https://[2002:7f00:1::]/x.csv", False),  # 6to4 of 127.0.0.1
        ("https://100.64.0.1/x.csv", False),  # shared address space
        ("https://0/x.csv", False),
        ("https://[::1]/x.csv", False),
        ("https://user:secret@contoso.sharepoint.com/x.csv", False),
        ("https://contoso.sharepoint.com:99999/x.csv", False),
        ("file:///etc/passwd", False),
        ("ftp://contoso.sharepoint.com/x.csv", False),
        ("javascript:alert(1)", False),
        ("", False),
    ],
)
def test_which_download_urls_are_allowed(url: str, allowed: bool) -> None:
    assert url_allowed(url, frozenset({"127.0.0.1"})) is allowed


def test_only_well_formed_file_attachments_count_and_names_lose_their_paths() -> None:
    info = "application/vnd.microsoft.teams.file.download.info"
    activity = Activity().deserialize(
        {
            "type": "message",
            "attachments": [
                {"contentType": "text/html", "content": "<div>hi</div>"},
                {
                    "contentType": info,
                    "name": "../../etc/agreements.csv",
                    "content": {"downloadUrl": "https://x.example/a", "fileType": "csv"},
                },
                {
                    "contentType": info,
                    "name": "C:\\temp\\plan.xlsx",
                    "content": {"downloadUrl": "https://x.example/b"},
                },
                {"contentType": info, "name": "no-url.csv", "content": "not a dict"},
                {"contentType": info, "content": {"downloadUrl": "https://x.example/c"}},
                {"contentType": info, "name": "   ", "content": {"downloadUrl": "https://x"}},
            ],
        }
    )
    files = shared_files(activity)
    assert [(f.name, f.download_url, f.importable) for f in files] == [
        ("agreements.csv", "https://x.example/a", True),
        ("plan.xlsx", "https://x.example/b", True),
    ]


def test_the_download_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "KOMBITBOT_TRUSTED_DOWNLOAD_HOSTS": "127.0.0.1, files.test ",
            "KOMBITBOT_MAX_IMPORT_BYTES": "4096",
        }
    )
    assert settings.trusted_download_hosts == ("127.0.0.1", "files.test")
    assert settings.max_import_bytes == 4096
    assert Settings.from_env({}).trusted_download_hosts == ()


async def test_an_import_updates_the_reminder_cards_already_posted_about_what_it_changed(
    chat: Chat, connector: MockConnector
) -> None:
    """The deck's new status arrives by import: the digest posted earlier stops saying that
    Vejle has not signed, without anyone clicking anything."""
    await chat.ask("abonnér")  # this chat: every reminder
    reminders = chat.client.app[REMINDERS_KEY]
    assert (await reminders.fanout.run(DAY)).sent == 1
    [digest] = [r for r in connector.received if "Mangler underskrift (83)" in r.all_text()]
    header, rows = builtin_rows("agreement_signatures")
    [vejle] = [r for r in rows if r["agreement_id"] == AGREEMENT and r["municipality"] == "Vejle"]
    vejle["status"] = "underskrevet"
    url = connector.serve_file("agreement_signatures.csv", csv_bytes(header, [vejle]))

    assert "Importeret: agreement_signatures.csv" in await chat.send_file(
        "agreement_signatures.csv", url
    )

    for _ in range(500):  # the cards are updated after the admin's answer, in the background
        updates = [r for r in connector.received if r.method == "update"]
        if updates:
            break
        await asyncio.sleep(0.02)
    [update] = updates  # the one card posted, once
    assert update.conversation_id == digest.conversation_id
    assert "Mangler underskrift (82)" in update.all_text()


async def test_a_name_that_resolves_to_this_machine_is_never_connected_to() -> None:
    """The guard judges what a name resolves to (the address then connected to), so a
    public-looking URL whose name points at loopback gets nowhere."""
    resolver = GuardedResolver(AddressPolicy())
    with pytest.raises(OSError):
        await resolver.resolve("localhost", 443)
    with pytest.raises(DownloadError):
        await download("https://localhost./x.csv", DownloadPolicy(max_bytes=1024))
