"""The CloudAdapter, configured from settings, with an error handler that tells the user."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

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


def create_adapter(settings: Settings) -> CloudAdapter:
    config = BotFrameworkConfig(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.app_tenant_id,
    )
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
    adapter.on_turn_error = _on_turn_error
    return adapter


async def _on_turn_error(context: TurnContext, error: Exception) -> None:
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
