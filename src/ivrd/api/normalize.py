"""ASGI middleware that makes the request shapes existing clients send look like one shape.

- Paths with or without the trailing slash reach the same route, with no redirect.
- Query strings: empty values mean absent; PHP-style ``key[0]=v`` / ``key[]=v`` mean ``key=v``.
- A body that is JSON but labelled otherwise (``curl -d`` sends form-urlencoded) is read as JSON.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BRACKETS = re.compile(r"\[[^\]]*\]$")
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
SNIFF_LIMIT = 1 << 20
FORM_PATHS = ("/oauth/",)


def normalize_path(path: str) -> str:
    return path.rstrip("/") or "/" if len(path) > 1 else path


def normalize_query(query: bytes) -> bytes:
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    kept = [(BRACKETS.sub("", key), value) for key, value in pairs if value != ""]
    return urlencode(kept).encode("latin-1")


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value)
    return b""


def _with_header(scope: Scope, name: bytes, value: bytes) -> list[tuple[bytes, bytes]]:
    headers = [(k, v) for k, v in scope["headers"] if k.lower() != name]
    headers.append((name, value))
    return headers


class NormalizeRequests:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        scope["path"] = normalize_path(scope["path"])
        scope["raw_path"] = scope["path"].encode()
        scope["query_string"] = normalize_query(scope.get("query_string", b""))
        if scope["method"] in BODY_METHODS and self._may_be_mislabelled_json(scope):
            receive = await self._sniff_json(scope, receive)
        await self.app(scope, receive, send)

    @staticmethod
    def _may_be_mislabelled_json(scope: Scope) -> bool:
        ctype = _header(scope, b"content-type").lower()
        if scope["path"].startswith(FORM_PATHS) or ctype.startswith(b"multipart/"):
            return False
        return not ctype.startswith(b"application/json")

    async def _sniff_json(self, scope: dict[str, Any], receive: Receive) -> Receive:
        chunks: list[bytes] = []
        more = True
        size = 0
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return _replay([message])
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False) and size <= SNIFF_LIMIT
        body = b"".join(chunks)
        if body.lstrip()[:1] in (b"{", b"["):
            scope["headers"] = _with_header(scope, b"content-type", b"application/json")
        return _replay([{"type": "http.request", "body": body, "more_body": more}], receive)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
