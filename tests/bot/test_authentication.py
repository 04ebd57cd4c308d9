"""Only Microsoft's channel may call the bot: Bot Framework tokens, checked offline.

The bot runs with an app id, so botbuilder validates every request's bearer token against the
signing keys published at the OpenID metadata URL — here a local server with a locally
generated RSA key. Every bad token is refused with 401 and nothing reaches the dialogs or the
database; a good one is served and the reply goes out with the bot's own (local) token.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from store.db import create_engine
from store.repository import Store
from tests.conftest import FIXED_NOW, settings_for, teams_activity, wait_ready
from tests.support.connector import MockConnector
from tests.support.entra import LocalCredentialsFactory, OpenIdMetadataServer, new_key
from tests.support.snapshots import snapshot

APP_ID = "2b9d6a3e-5a7c-4d1e-9f0b-4c3d2e1f0a9b"
TENANT = "50612dbb-0237-4969-b378-8d42590f9c00"  # the tenant of the channel fixture


@pytest.fixture
def openid() -> Iterator[OpenIdMetadataServer]:
    server = OpenIdMetadataServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def secured(
    database_url: str, openid: OpenIdMetadataServer
) -> AsyncIterator[tuple[TestClient, LocalCredentialsFactory]]:
    settings = settings_for(
        database_url,
        app_id=APP_ID,
        app_password="not-used-credentials-are-local",
        channel_openid_metadata_url=openid.metadata_url,
        allowed_tenant_ids=(TENANT,),
    )
    credentials = LocalCredentialsFactory(APP_ID)
    app = create_app(settings, clock=lambda: FIXED_NOW, credentials_factory=credentials)
    async with TestClient(TestServer(app)) as client:
        await wait_ready(client)
        yield client, credentials


def message(connector: MockConnector, text: str = "jeg er programleder i Vejle") -> dict[str, Any]:
    return teams_activity(
        "channel-message-bot-mention", connector, text=f"<at>ridotest</at> {text}"
    )


async def post(client: TestClient, activity: dict[str, Any], authorization: str | None) -> int:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = await client.post("/api/messages", json=activity, headers=headers)
    return response.status


async def test_a_valid_channel_token_is_served(
    secured: tuple[TestClient, LocalCredentialsFactory],
    connector: MockConnector,
    openid: OpenIdMetadataServer,
) -> None:
    client, credentials = secured
    activity = message(connector, "hjælp")
    token = openid.token(app_id=APP_ID, service_url=activity["serviceUrl"])
    assert await post(client, activity, f"Bearer {token}") in (200, 201)
    [reply] = await connector.wait_for(1)
    assert "kombitbot – hjælp" in reply.all_text()
    # The reply was sent with the bot's own credentials (created by the local stand-in for
    # Entra ID, not fetched from login.microsoftonline.com).
    assert credentials.issued, "no outbound credentials were created"


BAD_TOKENS = {
    "missing": lambda o, a: None,
    "empty": lambda o, a: "",
    "not a bearer token": lambda o, a: "Basic dXNlcjpwYXNz",
    "malformed": lambda o, a: "Bearer not.a.jwt",
    "garbage": lambda o, a: "Bearer " + "x" * 500,
    "expired": lambda o, a: (
        "Bearer "
        + o.token(
            app_id=APP_ID, service_url=a, exp=int(time.time()) - 3600, nbf=int(time.time()) - 7200
        )
    ),
    "wrong audience": lambda o, a: (
        "Bearer " + o.token(app_id="11111111-1111-1111-1111-111111111111", service_url=a)
    ),
    "wrong issuer": lambda o, a: (
        "Bearer " + o.token(app_id=APP_ID, service_url=a, iss="https://evil.example")
    ),
    "wrong serviceUrl claim": lambda o, a: (
        "Bearer " + o.token(app_id=APP_ID, service_url="https://smba.evil.example/")
    ),
    "no serviceUrl claim": lambda o, a: (
        "Bearer " + o.token(app_id=APP_ID, service_url=a, serviceurl=None)
    ),
    "no expiry": lambda o, a: "Bearer " + o.token(app_id=APP_ID, service_url=a, exp=None),
    "no start": lambda o, a: "Bearer " + o.token(app_id=APP_ID, service_url=a, nbf=None),
    "valid for ten years": lambda o, a: (
        "Bearer " + o.token(app_id=APP_ID, service_url=a, exp=int(time.time()) + 10 * 365 * 86400)
    ),
    "expiry not a number": lambda o, a: (
        "Bearer " + o.token(app_id=APP_ID, service_url=a, exp="tomorrow")
    ),
    "signed with another key": lambda o, a: (
        "Bearer " + o.token(app_id=APP_ID, service_url=a, key=new_key())
    ),
}


@pytest.mark.parametrize("case", list(BAD_TOKENS))
async def test_a_bad_token_gets_401_and_reaches_neither_dialogs_nor_database(
    secured: tuple[TestClient, LocalCredentialsFactory],
    connector: MockConnector,
    openid: OpenIdMetadataServer,
    database_url: str,
    case: str,
) -> None:
    client, _credentials = secured
    activity = message(connector)
    store = Store(create_engine(database_url))
    try:
        before = await snapshot(store)
        assert await post(client, activity, BAD_TOKENS[case](openid, activity["serviceUrl"])) == 401
        assert connector.received == []
        assert await snapshot(store) == before, "the registration must not have been stored"
    finally:
        await store.close()


async def test_an_unknown_signing_key_id_gets_401(
    secured: tuple[TestClient, LocalCredentialsFactory],
    connector: MockConnector,
    openid: OpenIdMetadataServer,
) -> None:
    client, _credentials = secured
    activity = message(connector)
    stranger = OpenIdMetadataServer(key=new_key())  # a key id the metadata does not publish
    assert (
        await post(
            client,
            activity,
            "Bearer " + stranger.token(app_id=APP_ID, service_url=activity["serviceUrl"]),
        )
        == 401
    )
    assert connector.received == []


async def test_another_tenant_is_refused_even_with_a_valid_token(
    secured: tuple[TestClient, LocalCredentialsFactory],
    connector: MockConnector,
    openid: OpenIdMetadataServer,
) -> None:
    client, _credentials = secured
    activity = message(connector, "hjælp")
    activity["channelData"]["tenant"]["id"] = "00000000-0000-0000-0000-00000000beef"
    activity["conversation"]["tenantId"] = "00000000-0000-0000-0000-00000000beef"
    token = openid.token(app_id=APP_ID, service_url=activity["serviceUrl"])
    assert await post(client, activity, f"Bearer {token}") == 403
    assert connector.received == []
