"""Revisions over real HTTP: one per accepted change, with author; diff; restore."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from ivrd.db.models import IvrRevision

from .conftest import Tenant
from .ivr_fixtures import (
    BASE,
    ivr_url,
    make_context,
    make_ivr,
    make_option,
    make_rule,
    options_url,
    rules_url,
)
from .menu_files import build_menu, export, import_menu, revisions, rules_of, version


def _ok(answer: Any) -> Any:
    assert answer.status_code == 200, answer.text
    return answer.json()


Change = Callable[[Tenant, int, int], Any]

CHANGES: dict[str, Change] = {
    "settings": lambda t, ext, ctx: t.http.put(f"{ivr_url(ext)}/", json={"sleep_time": 1}),
    "context created": lambda t, ext, ctx: t.http.post(
        f"{ivr_url(ext)}/context/", json={"name": "new"}
    ),
    "context updated": lambda t, ext, ctx: t.http.put(
        f"{ivr_url(ext)}/context/{ctx}", json={"timeout": 10}
    ),
    "option created": lambda t, ext, ctx: t.http.post(
        f"{options_url(ext, ctx)}/", json={"digits": "5"}
    ),
    "option deleted": lambda t, ext, ctx: t.http.delete(f"{options_url(ext, ctx)}/1"),
    "rule created": lambda t, ext, ctx: t.http.post(
        f"{rules_url(ext, ctx)}/", json={"action": "hangup"}
    ),
    "rule replaced": lambda t, ext, ctx: t.http.put(
        f"{rules_url(ext, ctx, '1')}/1", json={"action": "transfer", "transfer_dst": "9"}
    ),
    "rule deleted": lambda t, ext, ctx: t.http.delete(f"{rules_url(ext, ctx, '1')}/1"),
    "rules ordered": lambda t, ext, ctx: t.http.put(
        f"{rules_url(ext, ctx, '1')}/order", json={"rules_ids": [2, 1]}
    ),
}


def _small_menu(tenant: Tenant) -> tuple[int, int]:
    ext = make_ivr(tenant)
    ctx = make_context(tenant, ext, "main")
    make_option(tenant, ext, ctx, "1")
    make_rule(tenant, ext, ctx, "1", action="transfer", transfer_dst="1")
    make_rule(tenant, ext, ctx, "1", action="hangup")
    return ext, ctx


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_kind_of_change_records_one_revision(tenant: Tenant, change: str) -> None:
    ext, ctx = _small_menu(tenant)
    before = revisions(tenant, ext)
    _ok(CHANGES[change](tenant, ext, ctx))
    after = revisions(tenant, ext)
    assert len(after) == len(before) + 1
    newest = after[0]
    assert newest["number"] == version(tenant, ext) == before[0]["number"] + 1
    assert newest["author"] == tenant.app_id and newest["source"] == "api"
    assert newest["application_id"] is not None
    stored = _ok(tenant.http.get(f"{ivr_url(ext)}/revisions/{newest['number']}"))
    assert stored["document"] == export(tenant, ext)


def test_context_deletion_and_import_are_recorded(tenant: Tenant) -> None:
    ext, _ = _small_menu(tenant)
    spare = make_context(tenant, ext, "spare")
    _ok(tenant.http.delete(f"{ivr_url(ext)}/context/{spare}"))
    assert [c["name"] for c in revisions_document(tenant, ext)["contexts"]] == ["main"]
    document = export(tenant, ext)
    document["settings"]["lifetime"] = 60
    _ok(import_menu(tenant, ext, document))
    assert revisions(tenant, ext)[0]["source"] == "import"


def revisions_document(tenant: Tenant, ext: int) -> dict[str, Any]:
    number = revisions(tenant, ext)[0]["number"]
    document: dict[str, Any] = _ok(tenant.http.get(f"{ivr_url(ext)}/revisions/{number}"))[
        "document"
    ]
    return document


def test_a_refused_change_records_no_revision(tenant: Tenant) -> None:
    ext, ctx = _small_menu(tenant)
    before = revisions(tenant, ext)
    answer = tenant.http.post(f"{rules_url(ext, ctx)}/", json={"action": "transfer"})
    assert answer.status_code == 400
    answer = tenant.http.delete(f"{ivr_url(ext)}/context/{ctx + 1000}")
    assert answer.status_code == 404
    assert revisions(tenant, ext) == before


def test_the_list_is_newest_first_with_times(tenant: Tenant) -> None:
    ext, _ = _small_menu(tenant)
    listed = revisions(tenant, ext)
    numbers = [item["number"] for item in listed]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == 4
    assert all(len(item["create_date"]) == len("2026-01-01 00:00:00") for item in listed)
    page = _ok(tenant.http.get(f"{ivr_url(ext)}/revisions/", params={"per_page": 1, "page": 2}))
    assert [item["number"] for item in page] == numbers[1:2]


def test_diff_between_two_revisions(tenant: Tenant) -> None:
    ext, ctx = _small_menu(tenant)
    first = version(tenant, ext)
    _ok(
        tenant.http.put(
            f"{rules_url(ext, ctx, '1')}/1", json={"action": "transfer", "transfer_dst": "22"}
        )
    )
    _ok(tenant.http.post(f"{rules_url(ext, ctx, '1')}/", json={"action": "hangup", "name": "x"}))
    last = version(tenant, ext)
    diff = _ok(tenant.http.get(f"{ivr_url(ext)}/revisions/{first}/diff/{last}"))
    assert diff == {
        "from_revision": first,
        "to_revision": last,
        "changes": [
            {
                "op": "replace",
                "path": 'contexts["main"].options["1"].rules[0].transfer_dst',
                "old": "1",
                "new": "22",
            },
            {
                "op": "add",
                "path": 'contexts["main"].options["1"].rules[2]',
                "new": {"action": "hangup", "name": "x"},
            },
        ],
    }
    back = _ok(tenant.http.get(f"{ivr_url(ext)}/revisions/{last}/diff/{first}"))
    assert [change["op"] for change in back["changes"]] == ["replace", "remove"]
    text = tenant.http.get(
        f"{ivr_url(ext)}/revisions/{first}/diff/{last}", params={"format": "unified"}
    )
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    assert '-              "transfer_dst": "1"' in text.text
    assert '+              "transfer_dst": "22"' in text.text
    assert tenant.http.get(f"{ivr_url(ext)}/revisions/{first}/diff/99999").status_code == 404


def test_restore_brings_back_an_old_revision_as_a_new_one(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    number = version(tenant, menu.ext)
    old = export(tenant, menu.ext)
    _ok(tenant.http.delete(f"{rules_url(menu.ext, menu.main, '2')}/{_first_rule(tenant, menu)}"))
    _ok(tenant.http.put(f"{ivr_url(menu.ext)}/", json={"sleep_time": 0}))
    answer = _ok(tenant.http.post(f"{ivr_url(menu.ext)}/revisions/{number}/restore"))
    assert answer["changed"] is True and answer["revision"] == number + 3
    assert export(tenant, menu.ext) == old
    newest = revisions(tenant, menu.ext)[0]
    assert newest["number"] == number + 3 and newest["source"] == f"restore of {number}"
    assert version(tenant, menu.ext) == number + 3
    again = _ok(tenant.http.post(f"{ivr_url(menu.ext)}/revisions/{number}/restore"))
    assert again["changed"] is False and revisions(tenant, menu.ext)[0] == newest


def _first_rule(tenant: Tenant, menu: Any) -> int:
    return int(_ok(tenant.http.get(f"{rules_url(menu.ext, menu.main, '2')}/"))[0]["id"])


def test_a_restore_that_no_longer_validates_changes_nothing(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    number = version(tenant, menu.ext)
    _ok(tenant.http.put(f"{ivr_url(menu.ext)}/", json={"sleep_time": 0}))
    _ok(tenant.http.put(f"{BASE}/client/@me/sound/{menu.hello}", json={"title": "renamed"}))
    current, listed = export(tenant, menu.ext), revisions(tenant, menu.ext)
    answer = tenant.http.post(f"{ivr_url(menu.ext)}/revisions/{number}/restore")
    assert answer.status_code == 400
    paths = [error["path"] for error in answer.json()["errors"]]
    assert paths == ["settings.vm_greeting", "contexts[0].options[0].rules[0].sound"]
    assert export(tenant, menu.ext) == current
    assert revisions(tenant, menu.ext) == listed
    assert rules_of(current, "main", "start")[0]["sound"] == "renamed"


def test_revisions_are_private_to_the_tenant(tenant: Tenant, other_tenant: Tenant) -> None:
    ext, _ = _small_menu(tenant)
    number = version(tenant, ext)
    base = f"{ivr_url(ext)}/revisions"
    for path in ("", f"/{number}", f"/{number}/diff/{number}"):
        assert other_tenant.http.get(base + path).status_code == 404
    assert other_tenant.http.post(f"{base}/{number}/restore").status_code == 404
    own = make_ivr(other_tenant)
    answer = other_tenant.http.get(f"{ivr_url(own)}/revisions/{number}")
    assert answer.status_code == 404 and answer.json() == {
        "message": f"revision {number} not found"
    }


def test_revisions_go_with_their_extension(tenant: Tenant) -> None:
    ext, _ = _small_menu(tenant)
    count = select(func.count()).select_from(IvrRevision).where(IvrRevision.extension_id == ext)
    with tenant.server.db.read() as session:
        assert session.scalar(count) == len(revisions(tenant, ext)) > 0
    _ok(tenant.http.delete(f"{BASE}/client/@me/extension/{ext}"))
    with tenant.server.db.read() as session:
        assert session.scalar(count) == 0
