"""Call events (webhooks): ``dial-in`` when a call reaches the IVR, ``hangup`` when it ends.

Delivered form-encoded (GET: query string; POST: body) with the provider's parameters, at
most ``TIMEOUT_S`` each, in the background: a slow or failing webhook never delays a call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

import httpx

log = logging.getLogger("ivrd.events")

TIMEOUT_S = 5.0

Hook = tuple[str, str, str]  # event_type, method, url


async def _deliver(
    client: httpx.AsyncClient, method: str, url: str, params: Mapping[str, str]
) -> None:
    try:
        if method == "GET":
            await client.get(url, params=dict(params), timeout=TIMEOUT_S)
        else:
            await client.post(url, data=dict(params), timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        log.info("event %s to %s failed: %s", params.get("EventType"), url, exc)


def fire(
    loop: asyncio.AbstractEventLoop,
    client: httpx.AsyncClient,
    hooks: list[Hook],
    event_type: str,
    params: Mapping[str, str],
) -> None:
    """Send ``event_type`` to every hook that wants it."""
    body = {"EventType": event_type, **params}
    for wanted, method, url in hooks:
        if wanted == event_type:
            loop.create_task(_deliver(client, method, url, body))
