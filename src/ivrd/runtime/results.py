"""What calls leave behind: call history, ratings, recordings and voicemail (with e-mail).

Writes happen in a worker thread; a failed write is logged and never breaks the call.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ivrd.db import models
from ivrd.db.session import Database

log = logging.getLogger("ivrd.runtime.results")


@dataclass
class CallSummary:
    """Accumulated while the call runs; stored once when it ends."""

    call_uuid: str
    client_id: int
    extension_id: int | None
    extension_name: str | None
    extension_type: str | None
    from_username: str
    from_name: str
    to_username: str
    did_number: str | None
    init_time: datetime
    start_time: datetime | None = None
    hangup_time: datetime | None = None
    bridged_username: str | None = None
    result: str = "answered"
    hangup_cause: str | None = None
    hangup_disposition: str | None = None
    menu_version: int | None = None
    flow: str = "in"  # "out" for a click-to-call
    cdr: list[dict[str, Any]] = field(default_factory=list)


class Results:
    def __init__(self, db: Database, smtp_url: str | None) -> None:
        self.db = db
        self.smtp_url = smtp_url

    def save_call(self, summary: CallSummary) -> None:
        start, end = summary.start_time, summary.hangup_time
        duration = int((end - start).total_seconds()) if start and end else 0
        row = models.CallRecord(
            call_uuid=summary.call_uuid,
            client_id=summary.client_id,
            extension_id=summary.extension_id,
            extension_name=summary.extension_name,
            extension_type=summary.extension_type,
            flow=summary.flow,
            init_time=summary.init_time,
            start_time=start,
            hangup_time=end,
            duration=duration,
            bridged=summary.bridged_username is not None,
            bridged_username=summary.bridged_username,
            from_username=summary.from_username,
            from_name=summary.from_name,
            to_username=summary.to_username,
            did_number=summary.did_number,
            result=summary.result,
            hangup_cause=summary.hangup_cause,
            hangup_disposition=summary.hangup_disposition,
            menu_version=summary.menu_version,
            cdr=summary.cdr,
        )
        self._add(row)

    def save_rating(
        self, call_uuid: str, client_id: int, extension_id: int, rate: int, max_rate: int
    ) -> None:
        self._add(
            models.QualityRating(
                call_uuid=call_uuid,
                client_id=client_id,
                extension_id=extension_id,
                rate=rate,
                max_rate=max_rate,
            )
        )

    def save_recording(
        self,
        kind: str,
        record_uuid: str,
        call_uuid: str,
        client_id: int,
        extension_id: int,
        path: Path,
        duration_ms: int,
        caller: tuple[str, str],
        mailto: str | None = None,
    ) -> None:
        self._add(
            models.Recording(
                record_uuid=record_uuid,
                kind=kind,
                call_uuid=call_uuid,
                client_id=client_id,
                extension_id=extension_id,
                caller_id_number=caller[0],
                caller_id_name=caller[1],
                duration_ms=duration_ms,
                stored_name=path.name,
                mailto=mailto,
            )
        )

    def _add(self, row: object) -> None:
        try:
            with self.db.write() as session:
                session.add(row)
        except Exception:
            log.exception("could not store %s", type(row).__name__)

    def email_voicemail(self, mailto: str, caller: str, path: Path, attach: bool) -> bool:
        """Send the new-voicemail notice; True when the SMTP server took it."""
        if not self.smtp_url:
            return False
        message = EmailMessage()
        message["Subject"] = f"New voicemail from {caller}"
        message["From"] = "ivrd@localhost"
        message["To"] = mailto
        message.set_content(f"A caller ({caller}) left a voicemail message.")
        if attach and path.is_file():
            message.add_attachment(
                path.read_bytes(), maintype="audio", subtype="wav", filename=path.name
            )
        return self._send(message)

    def _send(self, message: EmailMessage) -> bool:
        url = urlsplit(self.smtp_url or "")
        try:
            with smtplib.SMTP(url.hostname or "127.0.0.1", url.port or 25, timeout=10) as smtp:
                if url.username:
                    smtp.login(unquote(url.username), unquote(url.password or ""))
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("voicemail e-mail not sent: %s", exc)
            return False
        return True
