"""Run a stored IVR in the simulator: compile the snapshot, drive the engine in virtual time.

Call Interactive answers are canned per URL (the URL after ``${var}`` substitution, matched
without its query string too), or, with ``"live"``, fetched for real with the rule's timeout.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from ivrd.config.auth.principal import Principal
from ivrd.config.compile import compile_menu
from ivrd.config.simulate.schemas import CannedReply, SimulationAnswer, SimulationRequest
from ivrd.config.tenancy import extension_for
from ivrd.db.session import Database
from ivrd.engine.menu import CallInfo
from ivrd.engine.simulate import simulate
from ivrd.errors import BadRequest, NotFound
from ivrd.timeutil import parse_api_datetime

LIVE_TIMEOUT_S = 5.0
MAX_LIVE_BODY = 65536

Interactive = Callable[[str, str, tuple[tuple[str, str], ...]], tuple[int, bytes] | None]


def live_interactive(
    method: str, url: str, params: tuple[tuple[str, str], ...]
) -> tuple[int, bytes] | None:
    """A real Call Interactive request; None when it fails or times out."""
    try:
        with httpx.Client(timeout=LIVE_TIMEOUT_S) as client:
            if method == "POST":
                answer = client.post(url, data=dict(params))
            else:
                answer = client.get(url, params=params)
    except httpx.HTTPError:
        return None
    return answer.status_code, answer.content[:MAX_LIVE_BODY]


def canned_interactive(replies: dict[str, CannedReply]) -> Interactive:
    def reply(
        _method: str, url: str, _params: tuple[tuple[str, str], ...]
    ) -> tuple[int, bytes] | None:
        canned = replies.get(url) or replies.get(url.split("?", 1)[0])
        return None if canned is None else (canned.status, canned.body.encode())

    return reply


def _instant(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        at = parse_api_datetime(text)
    except ValueError:
        raise BadRequest("at: expected YYYY-MM-DD HH:MM:SS") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def run_simulation(
    db: Database, principal: Principal, extension_ref: str, request: SimulationRequest
) -> SimulationAnswer:
    with db.read() as session:
        extension = extension_for(session, principal, extension_ref)
        if extension.type != "ivr":
            raise NotFound(f"extension {extension.name} is not an IVR")
        menu = compile_menu(session, extension.id)
        call = CallInfo(
            call_id=secrets.token_hex(16),
            caller_id_number=request.caller_id_number,
            caller_id_name=request.caller_id_name,
            called_did=request.called_did,
            called_extension=extension.name,
            called_extension_id=extension.id,
            called_number=request.called_did or extension.short_name,
        )
    interactive = (
        live_interactive
        if request.call_interactive == "live"
        else canned_interactive(request.call_interactive)
    )
    try:
        result: dict[str, Any] = simulate(
            menu,
            call,
            request.script,
            at=_instant(request.at),
            transfers=request.transfers,
            talk_ms=request.talk_ms,
            call_interactive=interactive,
            speech_available=request.speech_available and menu.speech_enabled,
        )
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    return SimulationAnswer(id=call.call_id, menu_version=menu.settings.version, **result)
