"""A menu touching every kind of reference, built over HTTP, for the export/import and
revision tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .conftest import Tenant
from .ivr_fixtures import (
    enable_speech,
    ivr_url,
    make_context,
    make_interval,
    make_ivr,
    make_option,
    make_rule,
    make_sound,
)


@dataclass(frozen=True)
class Menu:
    ext: int
    main: int
    sales: int
    hello: int


def build_menu(tenant: Tenant, name: str = "071", sounds: bool = True) -> Menu:
    """Two contexts, a greeting, an interval, a jump with an option, a voice helper."""
    if sounds:
        tenant.extra["hello"] = make_sound(tenant, "hello")
        tenant.extra["interval"] = make_interval(tenant, "working hours")
    hello = int(tenant.extra["hello"])
    enable_speech(tenant)
    ext = make_ivr(tenant, name)
    main = make_context(tenant, ext, "main", timeout=5000, digit_len=1)
    sales = make_context(tenant, ext, "sales", description="the sales team")
    make_option(tenant, ext, main, "1")
    make_option(tenant, ext, main, "2")
    make_option(tenant, ext, sales, "9")
    make_rule(tenant, ext, main, "start", action="play_sound", sound=hello, sound_type="background")
    make_rule(
        tenant,
        ext,
        main,
        "1",
        action="jump_to_context",
        context=sales,
        context_option="9",
        interval=tenant.extra["interval"],
    )
    make_rule(tenant, ext, main, "2", action="transfer", transfer_dst="002", name="desk")
    make_rule(tenant, ext, main, "2", action="hangup")
    make_rule(
        tenant,
        ext,
        main,
        "invalid",
        action="voice_helper",
        voice_helper_rules=[{"to_option": "1", "transcription": "sales|buy"}],
    )
    make_rule(
        tenant,
        ext,
        sales,
        "9",
        action="set_variable",
        set_variable_name="dept",
        set_variable_value="sales",
    )
    make_rule(tenant, ext, sales, "9", action="transfer", transfer_dst="+74950000000")
    settings = {"entry_context": main, "vm_greeting": hello, "sleep_time": 500}
    answer = tenant.http.put(f"{ivr_url(ext)}/", json=settings)
    assert answer.status_code == 200, answer.text
    return Menu(ext, main, sales, hello)


def export(tenant: Tenant, ext: int) -> dict[str, Any]:
    answer = tenant.http.get(f"{ivr_url(ext)}/export")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert isinstance(body, dict)
    return body


def import_menu(tenant: Tenant, ext: int, document: Any, dry_run: bool = False) -> Any:
    params = {"dry_run": "true"} if dry_run else {}
    return tenant.http.put(f"{ivr_url(ext)}/import", json=document, params=params)


def revisions(tenant: Tenant, ext: int) -> list[dict[str, Any]]:
    answer = tenant.http.get(f"{ivr_url(ext)}/revisions/")
    assert answer.status_code == 200, answer.text
    listed = answer.json()
    assert isinstance(listed, list)
    return listed


def version(tenant: Tenant, ext: int) -> int:
    answer = tenant.http.get(f"{ivr_url(ext)}/")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["version"])


def rules_of(document: dict[str, Any], context: str, digits: str) -> list[dict[str, Any]]:
    found = next(c for c in document["contexts"] if c["name"] == context)
    option = next(o for o in found["options"] if o["digits"] == digits)
    rules: list[dict[str, Any]] = option["rules"]
    return rules
