"""KOMBIT admins import CSV/XLSX files by attaching them in a personal chat with the bot.

With ``supportsFiles`` in the manifest, Teams sends an attachment of type
``application/vnd.microsoft.teams.file.download.info`` whose ``downloadUrl`` is a short-lived,
pre-authenticated link to the file. The import itself is :meth:`Store.import_files`: all or
nothing, audited as the admin who sent the file.

The URL comes from the activity, so it is treated as hostile (SSRF): nothing is fetched for
anyone but an admin, only ``https`` is fetched (plain ``http`` only from hosts listed in
``KOMBITBOT_TRUSTED_DOWNLOAD_HOSTS``, for tests), never from a private, loopback or link-local
address — in any spelling, and judged again on every address a name resolves to, which is the
one connected to (:mod:`bot.addresses`) — redirects are checked the same way, with a timeout and
a size cap that holds even when the server does not say the size.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Literal
from urllib.parse import urljoin

import aiohttp
from botbuilder.schema import Activity

from bot.addresses import AddressPolicy
from bot.outbound import GuardedResolver
from dialogs.answer import Answer
from dialogs.reply import Reply
from dialogs.router import OUTAGE, User
from store.db import is_database_unavailable
from store.importing import ImportFile, ImportRejected, ImportResult, RowError
from store.repository import Store
from store.snapshot import changed_items

log = logging.getLogger(__name__)

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
IMPORTABLE_SUFFIXES = (".csv", ".xlsx")
SHOWN_ERRORS = 10
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class SharedFile:
    """A file a user attached in Teams: its name and where Teams lets the bot fetch it."""

    name: str
    download_url: str

    @property
    def importable(self) -> bool:
        return self.name.lower().endswith(IMPORTABLE_SUFFIXES)


def shared_files(activity: Activity) -> list[SharedFile]:
    """The files attached to a message; malformed attachments are ignored, never trusted."""
    files = []
    for attachment in activity.attachments or []:
        if getattr(attachment, "content_type", None) != FILE_DOWNLOAD_INFO:
            continue
        content = getattr(attachment, "content", None)
        url = content.get("downloadUrl") if isinstance(content, dict) else None
        name = getattr(attachment, "name", None)
        if not isinstance(url, str) or not isinstance(name, str):
            continue
        # Only the last path part: the name says which table it is, never where it goes.
        name = PureWindowsPath(PurePosixPath(name).name).name.strip()[:255]
        if name:
            files.append(SharedFile(name, url))
    return files


@dataclass(frozen=True, slots=True)
class DownloadPolicy:
    """How far the bot trusts a download URL: see the module docstring."""

    max_bytes: int
    trusted_http_hosts: frozenset[str] = frozenset()
    timeout_seconds: float = 10.0  # Bot Framework waits ~15 s for the whole turn
    max_redirects: int = 3


class DownloadError(Exception):
    """The file was not fetched: the URL is not allowed, it is too large, or fetching failed."""

    def __init__(self, reason: Literal["refused", "too_large", "failed"], detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


def url_allowed(url: str, trusted_http_hosts: frozenset[str]) -> bool:
    """https to a public host, or anything http(s) to a trusted host; nothing else (the rule
    of :mod:`bot.addresses`, judged again on every resolved address when connecting)."""
    return AddressPolicy(trusted_hosts=trusted_http_hosts).allows_url(url)


async def download(url: str, policy: DownloadPolicy) -> bytes:
    """Fetch one file within the policy; raises :class:`DownloadError` otherwise."""
    timeout = aiohttp.ClientTimeout(total=policy.timeout_seconds)
    resolver = GuardedResolver(AddressPolicy(trusted_hosts=policy.trusted_http_hosts))
    try:
        async with aiohttp.ClientSession(
            timeout=timeout, connector=aiohttp.TCPConnector(resolver=resolver)
        ) as session:
            for _hop in range(policy.max_redirects + 1):
                if not url_allowed(url, policy.trusted_http_hosts):
                    raise DownloadError("refused")
                async with session.get(url, allow_redirects=False) as response:
                    if response.status in _REDIRECTS and "Location" in response.headers:
                        url = urljoin(url, response.headers["Location"])
                        continue
                    if response.status != 200:
                        raise DownloadError("failed", f"HTTP {response.status}")
                    length = response.content_length
                    if length is not None and length > policy.max_bytes:
                        raise DownloadError("too_large")
                    body = bytearray()
                    async for chunk in response.content.iter_chunked(64 * 1024):
                        body.extend(chunk)
                        if len(body) > policy.max_bytes:
                            raise DownloadError("too_large")
                    return bytes(body)
    except TimeoutError as error:
        raise DownloadError("failed", "det tog for lang tid") from error
    except (aiohttp.ClientError, OSError, ValueError) as error:
        raise DownloadError("failed", type(error).__name__) from error
    raise DownloadError("failed", "too many redirects")


NOT_ADMIN = (
    "Kun KOMBIT-administratorer kan importere data ved at sende en fil. "
    "Jeg har ikke hentet filen, og intet er ændret."
)


class FileImport:
    """Answers a message with attached files: the admin's import, or why there was none."""

    def __init__(
        self,
        store: Store,
        is_admin: Callable[[str], bool],
        policy: DownloadPolicy,
        clock: Callable[[], dt.datetime],
        items_changed: Callable[[Sequence[tuple[str, str]]], None] | None = None,
    ) -> None:
        """``items_changed(items)``: told which tasks, agreements and frozen zones an import
        changed, so reminder cards already posted about them are updated."""
        self._store = store
        self._is_admin = is_admin
        self._policy = policy
        self._clock = clock
        self._items_changed = items_changed

    async def respond(self, files: list[SharedFile], user: User) -> Reply:
        if not self._is_admin(user.aad_object_id):
            log.info("file import refused: not an admin")
            return Reply(text=NOT_ADMIN)
        wrong = [f.name for f in files if not f.importable]
        if wrong:
            return Reply(
                text=f"Jeg kan kun importere .csv- og .xlsx-filer i KOMBITs tabelformater, "
                f"ikke {', '.join(wrong)}. Intet er ændret."
            )
        contents = []
        for file in files:
            try:
                contents.append(
                    ImportFile(file.name, await download(file.download_url, self._policy))
                )
            except DownloadError as error:
                log.warning("file import: download %s (%s)", error.reason, error.detail)
                return Reply(text=self._download_problem(file.name, error))
        try:
            before = await self._store.snapshot()
            result = await self._store.import_files(
                contents,
                kind="chat",
                imported_by=user.aad_object_id,
                imported_by_name=user.name,
                now=self._clock(),
            )
            after = await self._store.snapshot()
        except ImportRejected as rejected:
            log.info("file import rejected: %d problem(s)", len(rejected.errors))
            return rejected_reply([f.name for f in files], rejected.errors)
        except Exception as error:
            if not is_database_unavailable(error):
                raise
            log.warning("database unavailable during a file import (%s)", type(error).__name__)
            return Reply(text=OUTAGE["da"])
        log.info(
            "file import: %d rows, %d inserted, %d updated",
            result.records,
            result.inserted,
            result.updated,
        )
        if self._items_changed is not None:
            self._items_changed(changed_items(before, after))
        return imported_reply(result)

    def _download_problem(self, name: str, error: DownloadError) -> str:
        if error.reason == "refused":
            problem = "jeg henter kun filer fra Teams over en sikker forbindelse (https)"
        elif error.reason == "too_large":
            problem = f"den er større end {_size(self._policy.max_bytes)}"
        else:
            problem = f"hentningen mislykkedes ({error.detail}); prøv at sende den igen"
        return f"Jeg kunne ikke hente {name}: {problem}. Intet er ændret."


def _size(n: int) -> str:
    return (
        f"{n / (1024 * 1024):.1f} MB".replace(".", ",") if n >= 1024 * 1024 else f"{n // 1024} kB"
    )


def imported_reply(result: ImportResult) -> Reply:
    """What was imported: rows per table, what changed, and the new data version."""
    files = ", ".join(result.files)
    if result.changed:
        answer = Answer(title=f"Importeret: {files}", lang="da", limit=None)
        answer.intro = (
            f"{result.inserted} nye og {result.updated} ændrede rækker "
            f"({result.records} rækker tjekket). Ny dataversion: {result.data_version}. "
            "Svarene bruger de nye data med det samme."
        )
    else:
        answer = Answer(title=f"Ingen ændringer: {files}", lang="da", limit=None)
        answer.intro = (
            f"Databasen havde allerede disse data ({result.records} rækker tjekket); "
            f"dataversionen er stadig {result.data_version}."
        )
    answer.section("Rækker pr. tabel", [f"{t}: {n}" for t, n in sorted(result.counts.items())])
    answer.notes.append("Importen står i ændringsloggen (skriv »log i dag«).")
    return answer.reply()


def rejected_reply(files: list[str], errors: list[RowError]) -> Reply:
    """The first problems, each as file, line, column and reason; nothing was written."""
    answer = Answer(title="Importen blev afvist – intet er ændret", lang="da", limit=SHOWN_ERRORS)
    many = len(errors) != 1
    answer.intro = (
        f"{len(errors)} problem{'er' if many else ''} i {', '.join(files)}. "
        f"Ret {'dem' if many else 'det'}, og send filen igen:"
    )
    answer.section("", [str(error) for error in errors])
    return answer.reply()
