"""Poll exports as files in personal chat, the Teams way (file consent, upload, file card).

A bot cannot attach a file to a message in Teams. It sends a file consent card; when the user
accepts, Teams invokes ``fileConsent/invoke`` with an upload URL in the user's OneDrive; the
bot PUTs the bytes there and posts a file info card. The consent card carries only the poll id
and the format, and the file is built at upload time for the person who accepted, after the
same check (creator or admin), so a forged accept yields nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import Attachment

from bot.addresses import AddressPolicy
from bot.file_import import url_allowed
from bot.outbound import GuardedResolver
from store.polls import PollView, Voter

log = logging.getLogger(__name__)

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=30)

ExportFile = Callable[[str, str, Voter], Awaitable[tuple[str, bytes] | None]]


def consent_card(poll: PollView, fmt: str, name: str, size: int) -> Attachment:
    context = {"kombitbot": "poll_export", "poll": poll.id, "format": fmt}
    return Attachment(
        content_type=FILE_CONSENT,
        name=name,
        content={
            "description": f"Resultater af »{poll.title[:100]}« ({fmt.upper()})",
            "sizeInBytes": size,
            "acceptContext": context,
            "declineContext": context,
        },
    )


async def offer(
    turn_context: TurnContext,
    poll: PollView,
    formats: tuple[str, ...],
    voter: Voter,
    build: ExportFile,
) -> None:
    """One consent card per format (the size is known: the file is built once to measure it)."""
    for fmt in formats:
        built = await build(poll.id, fmt, voter)
        if built is None:
            continue
        name, data = built
        await turn_context.send_activity(
            MessageFactory.attachment(consent_card(poll, fmt, name, len(data)))
        )


async def on_consent(
    turn_context: TurnContext,
    value: Any,
    voter: Voter,
    build: ExportFile,
    trusted_hosts: frozenset[str],
) -> None:
    """Teams' ``fileConsent/invoke``: upload on accept, say so on decline; never raises."""
    if not isinstance(value, dict):
        return
    context = value.get("context")
    if not isinstance(context, dict) or context.get("kombitbot") != "poll_export":
        return
    if value.get("action") != "accept":
        await turn_context.send_activity("Ok – filen er ikke gemt.")
        return
    upload = value.get("uploadInfo")
    if not isinstance(upload, dict):
        return
    upload_url, content_url = upload.get("uploadUrl"), upload.get("contentUrl")
    poll_id, fmt = context.get("poll"), context.get("format")
    if not all(isinstance(v, str) for v in (upload_url, content_url, poll_id, fmt)):
        return
    assert isinstance(upload_url, str) and isinstance(poll_id, str) and isinstance(fmt, str)
    if not url_allowed(upload_url, trusted_hosts):
        log.warning("refused a file upload URL that is not allowed")
        await turn_context.send_activity("Jeg kunne ikke gemme filen (ugyldig upload-adresse).")
        return
    built = await build(poll_id, fmt, voter)
    if built is None:
        await turn_context.send_activity("Den eksport kan du ikke hente.")
        return
    name, data = built
    headers = {
        "Content-Length": str(len(data)),
        "Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}",
    }
    try:
        # The same rule as for downloads, judged again on the address connected to.
        resolver = GuardedResolver(AddressPolicy(trusted_hosts=trusted_hosts))
        async with (
            aiohttp.ClientSession(
                timeout=UPLOAD_TIMEOUT, connector=aiohttp.TCPConnector(resolver=resolver)
            ) as session,
            session.put(upload_url, data=data, headers=headers, allow_redirects=False) as response,
        ):
            if response.status not in (200, 201):
                raise aiohttp.ClientResponseError(response.request_info, (), status=response.status)
    except (aiohttp.ClientError, OSError) as error:
        log.warning("uploading a poll export failed (%s)", type(error).__name__)
        await turn_context.send_activity("Jeg kunne ikke gemme filen i din OneDrive – prøv igen.")
        return
    info = Attachment(
        content_type=FILE_INFO,
        name=str(upload.get("name") or name),
        content_url=content_url,
        content={"uniqueId": upload.get("uniqueId"), "fileType": upload.get("fileType") or fmt},
    )
    await turn_context.send_activity(MessageFactory.attachment(info))
