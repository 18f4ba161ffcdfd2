"""Call Interactive over real HTTP: the engine's ``HttpRequest`` carried out with httpx."""

from __future__ import annotations

import httpx

from ivrd.engine.commands import HttpRequest
from ivrd.engine.events import HttpAnswered, HttpFailed

MAX_BODY = 64 * 1024  # the engine refuses larger answers; never read more


async def perform(client: httpx.AsyncClient, request: HttpRequest) -> HttpAnswered | HttpFailed:
    """GET with a query string or POST form-encoded, bounded by the rule's timeout."""
    try:
        async with client.stream(
            request.method,
            request.url,
            params=request.params if request.method == "GET" else None,
            data=dict(request.params) if request.method == "POST" else None,
            timeout=max(request.timeout_s, 1),
        ) as answer:
            body = bytearray()
            async for chunk in answer.aiter_bytes():
                body += chunk
                if len(body) > MAX_BODY:
                    return HttpFailed(request.request_id, "answer larger than 64 KiB")
            return HttpAnswered(request.request_id, answer.status_code, bytes(body))
    except httpx.TimeoutException:
        return HttpFailed(request.request_id, "timeout")
    except httpx.HTTPError as exc:
        return HttpFailed(request.request_id, f"{type(exc).__name__}: {exc}")
