"""Helpers for the voice-menu tests: IVR extensions, contexts, and the rows menus refer to.

Sounds and intervals go through their own APIs; only provider-wide sounds (which no client
can upload) are inserted through the ORM.
"""

from __future__ import annotations

import secrets
from typing import Any

from ivrd.db.models import Client, Sound

from .audio import tone
from .conftest import Tenant

BASE = "/api/ver1.0"


def make_sound(
    tenant: Tenant, title: str, filename: str = "hello.wav", provider_wide: bool = False
) -> int:
    """A sound uploaded by the tenant (or, ``provider_wide``, one of no client)."""
    if provider_wide:
        return _provider_sound(tenant, title, filename)
    answer = tenant.http.post(
        f"{BASE}/client/@me/sound/",
        data={"title": title},
        files={"file": (filename, tone(0.05, rate=8000))},
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def _provider_sound(tenant: Tenant, title: str, filename: str) -> int:
    with tenant.server.db.write() as session:
        sound = Sound(
            client_id=None,
            dealer_id=1,
            title=title,
            filename=filename,
            stored_name=f"{secrets.token_hex(16)}.wav",
            duration_ms=1000,
        )
        session.add(sound)
        session.flush()
        return sound.id


def make_interval(tenant: Tenant, name: str = "working hours") -> int:
    answer = tenant.http.post(
        f"{BASE}/client/@me/interval/",
        json={"name": name, "timezone": "Europe/Moscow", "conditions": [{"month": 12}]},
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def enable_speech(tenant: Tenant, enabled: bool = True) -> None:
    with tenant.server.db.write() as session:
        client = session.get(Client, tenant.client_id)
        assert client is not None
        client.speech_enabled = enabled


def make_ivr(tenant: Tenant, name: str = "071") -> int:
    answer = tenant.http.post(
        f"{BASE}/client/@me/extension/", json={"name": name, "type": "ivr", "status": "active"}
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def ivr_url(ext: int | str) -> str:
    return f"{BASE}/extension/{ext}/ivr"


def make_context(tenant: Tenant, ext: int, name: str = "main", **fields: Any) -> int:
    answer = tenant.http.post(f"{ivr_url(ext)}/context/", json={"name": name, **fields})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def options_url(ext: int, context: int) -> str:
    return f"{ivr_url(ext)}/context/{context}/options"


def rules_url(ext: int, context: int, digits: str = "start") -> str:
    return f"{options_url(ext, context)}/{digits}/rules"


def make_option(tenant: Tenant, ext: int, context: int, digits: str) -> None:
    answer = tenant.http.post(f"{options_url(ext, context)}/", json={"digits": digits})
    assert answer.status_code == 200, answer.text


def make_rule(
    tenant: Tenant, ext: int, context: int, digits: str, /, **body: Any
) -> dict[str, Any]:
    answer = tenant.http.post(f"{rules_url(ext, context, digits)}/", json=body)
    assert answer.status_code == 200, answer.text
    created = answer.json()
    assert isinstance(created, list) and len(created) == 1
    return dict(created[0])
