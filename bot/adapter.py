"""The CloudAdapter, configured from settings, with an error handler that tells the user."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botframework.connector.auth import (
    AuthenticationConstants,
    CallerIdConstants,
    ServiceClientCredentialsFactory,
)

from bot.msrest_speedups import speed_up_msrest
from bot.outbound import ConnectorHttp
from kombitbot.settings import Settings

log = logging.getLogger(__name__)

TURN_ERROR_TEXT = (
    "Beklager, noget gik galt hos mig, og jeg kunne ikke svare. Prøv igen om lidt. "
    "(Sorry, something went wrong on my side. Please try again shortly.)"
)


@dataclass(frozen=True)
class BotFrameworkConfig:
    """The attribute names botbuilder's configuration objects are read by."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None
    # botbuilder switches to its "parameterized" authentication as soon as one endpoint is
    # overridden and then needs every one of them; these are the public cloud's values.
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str | None = None
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str | None = None
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str | None = None
    OAUTH_URL: str | None = None
    TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: str | None = None
    CALLER_ID: str | None = None


def _public_cloud_endpoints() -> dict[str, str]:
    return {
        "TO_CHANNEL_FROM_BOT_LOGIN_URL": AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL,
        "TO_CHANNEL_FROM_BOT_OAUTH_SCOPE": AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
        "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        "OAUTH_URL": AuthenticationConstants.OAUTH_URL,
        "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL": AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
        "CALLER_ID": CallerIdConstants.public_azure_channel,
    }


class KombitCloudAdapter(CloudAdapter):  # type: ignore[misc]
    """CloudAdapter whose Bot Connector calls share one bounded HTTP session
    (:mod:`bot.outbound`; :meth:`close` it at shutdown), and that closes each turn's Bot
    Connector client when the turn is over.

    botbuilder builds a client, with its own ``requests`` session, for every activity and for
    every proactive send, and never closes it: the connection its reply went out on stayed
    open until the garbage collector freed the client (50 open connections to the connector
    after 50 messages). Closing the session ends the connection at once; a client used again
    later (nothing here does) would simply open a new one.
    """

    def __init__(self, authentication: Any, connector_http: ConnectorHttp) -> None:
        super().__init__(authentication)
        self.connector_http = connector_http
        self.use(connector_http)

    async def close(self) -> None:
        """Close the shared connections to the Bot Connector."""
        await self.connector_http.close()

    async def run_pipeline(
        self, context: TurnContext, callback: Callable[[TurnContext], Awaitable[Any]] | None = None
    ) -> Any:
        try:
            return await super().run_pipeline(context, callback)
        finally:
            client = context.turn_state.get(self.BOT_CONNECTOR_CLIENT_KEY)
            if client is not None:
                try:
                    await client.__aexit__(None, None, None)
                except Exception:  # a connection that will not close is no reason to fail
                    log.debug("could not close the Bot Connector client", exc_info=True)


def create_adapter(
    settings: Settings, *, credentials_factory: ServiceClientCredentialsFactory | None = None
) -> KombitCloudAdapter:
    """The CloudAdapter with inbound token validation and outbound credentials from settings,
    its Bot Connector calls bounded by the outbound timeouts. Close it at shutdown.

    ``credentials_factory`` replaces the Entra ID credentials (tests sign tokens locally).
    """
    speed_up_msrest()
    endpoints = {}
    if settings.channel_openid_metadata_url:
        endpoints = {
            **_public_cloud_endpoints(),
            "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": settings.channel_openid_metadata_url,
        }
    config = BotFrameworkConfig(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.app_tenant_id,
        **endpoints,
    )
    authentication = ConfigurationBotFrameworkAuthentication(
        config, credentials_factory=credentials_factory
    )
    adapter = KombitCloudAdapter(authentication, ConnectorHttp.from_settings(settings))
    adapter.on_turn_error = _on_turn_error
    return adapter


def _is_delivery_failure(error: Exception) -> bool:
    """The Bot Connector refused or garbled our reply: a delivery problem, not a bot bug."""
    from aiohttp import ClientError
    from azure.core.exceptions import AzureError, DeserializationError
    from msrest.exceptions import ClientException
    from requests import RequestException

    # DeserializationError: the connector answered with something that is not an activity
    # response (e.g. a plain-text error page); it is a ValueError, not an AzureError.
    # TimeoutError/OSError: no answer within the outbound deadline, or no allowed address.
    return isinstance(
        error,
        (
            AzureError,
            DeserializationError,
            ClientException,
            RequestException,
            ClientError,
            TimeoutError,
            OSError,
        ),
    )


async def _on_turn_error(context: TurnContext, error: Exception) -> None:
    if _is_delivery_failure(error):
        # Telling the user would go through the same connector that just failed.
        log.warning(
            "reply could not be delivered (%s)",
            type(error).__name__,
            extra={"activity_id": context.activity.id, "activity_type": context.activity.type},
        )
        return
    log.error(
        "unhandled error in turn",
        exc_info=(type(error), error, error.__traceback__),
        extra={"activity_id": context.activity.id, "activity_type": context.activity.type},
    )
    if context.activity.type == "message":
        try:
            await context.send_activity(MessageFactory.text(TURN_ERROR_TEXT))
        except Exception:  # the connector itself may be what failed
            log.exception("could not tell the user about the error")
