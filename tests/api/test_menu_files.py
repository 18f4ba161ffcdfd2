"""Menus as files over real HTTP: export, import (all-or-nothing, every error), dry run."""

from __future__ import annotations

import copy
from typing import Any

from .conftest import Tenant
from .ivr_fixtures import ivr_url, make_context, make_ivr, make_sound, rules_url
from .menu_files import (
    build_menu,
    export,
    import_menu,
    revisions,
    rules_of,
    version,
)


def _keys_sorted_and_no_ids(value: Any) -> None:
    if isinstance(value, dict):
        assert list(value) == sorted(value)
        assert "id" not in value or set(value) == {"title", "id"}
        for item in value.values():
            _keys_sorted_and_no_ids(item)
    elif isinstance(value, list):
        for item in value:
            _keys_sorted_and_no_ids(item)


def test_export_names_every_reference_and_holds_no_ids(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    document = export(tenant, menu.ext)
    _keys_sorted_and_no_ids(document)
    assert document["format"] == 1
    assert document["settings"]["entry_context"] == "main"
    assert document["settings"]["vm_greeting"] == "hello"
    assert [c["name"] for c in document["contexts"]] == ["main", "sales"]
    main = document["contexts"][0]
    assert [o["digits"] for o in main["options"]] == ["start", "timeout", "invalid", "2", "1"]
    assert rules_of(document, "main", "1") == [
        {
            "action": "jump_to_context",
            "context": "sales",
            "context_option": "9",
            "interval": "working hours",
        }
    ]
    assert rules_of(document, "main", "2") == [
        {"action": "transfer", "name": "desk", "transfer_dst": "002"},
        {"action": "hangup"},
    ]
    assert rules_of(document, "main", "start")[0]["sound"] == "hello"


def test_round_trip_into_a_fresh_extension_gives_the_same_document(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    document = export(tenant, menu.ext)
    fresh = make_ivr(tenant, "072")
    answer = import_menu(tenant, fresh, document)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["changed"] is True and body["dry_run"] is False
    assert body["summary"]["contexts"]["added"] == 2
    assert body["summary"]["options"]["added"] == 3
    assert body["summary"]["rules"]["added"] == 7
    assert export(tenant, fresh) == document
    ids = tenant.http.get(f"{ivr_url(fresh)}/").json()["entry_context"]
    names = {c["id"]: c["name"] for c in tenant.http.get(f"{ivr_url(fresh)}/context/").json()}
    assert names[ids] == "main"


def test_reimport_keeps_context_ids_and_the_ids_of_unchanged_rules(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    document = export(tenant, menu.ext)
    before = tenant.http.get(f"{rules_url(menu.ext, menu.main, '2')}/").json()
    rules_of(document, "main", "2")[1] = {"action": "hangup", "name": "bye"}
    answer = import_menu(tenant, menu.ext, document)
    assert answer.status_code == 200, answer.text
    assert answer.json()["summary"]["rules"] == {"added": 1, "removed": 1, "kept": 6}
    after = tenant.http.get(f"{rules_url(menu.ext, menu.main, '2')}/").json()
    assert after[0]["id"] == before[0]["id"]
    assert after[1]["id"] > max(rule["id"] for rule in before)
    assert after[1]["name"] == "bye"
    contexts = tenant.http.get(f"{ivr_url(menu.ext)}/context/").json()
    assert sorted(c["id"] for c in contexts) == sorted([menu.main, menu.sales])


def test_importing_the_same_menu_changes_nothing(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    document, current, listed = export(tenant, menu.ext), version(tenant, menu.ext), None
    listed = revisions(tenant, menu.ext)
    answer = import_menu(tenant, menu.ext, document)
    assert answer.status_code == 200, answer.text
    assert answer.json()["changed"] is False and answer.json()["revision"] is None
    assert version(tenant, menu.ext) == current
    assert revisions(tenant, menu.ext) == listed


def _broken(document: dict[str, Any]) -> dict[str, Any]:
    broken = copy.deepcopy(document)
    main, sales = broken["contexts"]
    main["timeout"] = -1
    main["options"][0]["rules"][0]["sound"] = "no such sound"
    main["options"][3]["rules"][0]["transfer_dst"] = "call me"
    main["options"][3]["rules"][1] = {"name": "no action"}
    main["options"][4]["rules"][0]["context_option"] = "7"
    main["options"].append({"digits": "2", "rules": []})
    sales["options"][3]["rules"][1]["action"] = "teleport"
    sales["colour"] = "blue"
    broken["settings"]["entry_context"] = "lobby"
    return broken


BROKEN_PATHS = {
    "settings.entry_context": "the document has no context named 'lobby'",
    "contexts[0].timeout": "Input should be greater than or equal to 0",
    "contexts[0].options[0].rules[0].sound": "no sound has the title 'no such sound'",
    "contexts[0].options[3].rules[0].transfer_dst": (
        "'call' is not a number (digits, *, #, a leading +, ${var})"
    ),
    "contexts[0].options[3].rules[1].action": "field required",
    "contexts[0].options": "option 2 is listed 2 times",
    "contexts[1].colour": "unknown key",
    "contexts[1].options[3].rules[1].action": "must be one of",
}


def test_a_failing_import_lists_every_error_and_changes_nothing(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    document, current = export(tenant, menu.ext), version(tenant, menu.ext)
    listed = revisions(tenant, menu.ext)
    answer = import_menu(tenant, menu.ext, _broken(document))
    assert answer.status_code == 400, answer.text
    body = answer.json()
    found = {error["path"]: error["message"] for error in body["errors"]}
    assert set(found) == set(BROKEN_PATHS)
    for path, message in BROKEN_PATHS.items():
        assert found[path].startswith(message), (path, found[path])
    assert body["message"] == f"the menu was not imported: {len(found)} errors; nothing was changed"
    assert export(tenant, menu.ext) == document
    assert version(tenant, menu.ext) == current
    assert revisions(tenant, menu.ext) == listed


def test_a_jump_to_a_missing_option_is_found_once_the_rest_is_valid(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    document = export(tenant, menu.ext)
    rules_of(document, "main", "1")[0]["context_option"] = "7"
    rules_of(document, "main", "invalid")[0]["voice_helper_rules"][0]["to_option"] = "5"
    answer = import_menu(tenant, menu.ext, document)
    assert answer.status_code == 400, answer.text
    assert answer.json()["errors"] == [
        {
            "path": "contexts[0].options[2].rules[0].voice_helper_rules[0].to_option",
            "message": "this context has no option 5",
        },
        {
            "path": "contexts[0].options[4].rules[0].context_option",
            "message": "context 'sales' has no option 7",
        },
    ]


def test_a_document_that_is_not_an_object_is_refused(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    answer = tenant.http.put(f"{ivr_url(ext)}/import", json=[1, 2])
    assert answer.status_code == 400
    answer = import_menu(tenant, ext, {"format": 1, "contexts": "many"})
    assert answer.json()["errors"] == [
        {"path": "contexts", "message": "must be a list of at most 1000 contexts"}
    ]


def test_dry_run_shows_the_changes_and_changes_nothing(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    document, current = export(tenant, menu.ext), version(tenant, menu.ext)
    listed = revisions(tenant, menu.ext)
    changed = copy.deepcopy(document)
    rules_of(changed, "main", "2")[0]["transfer_dst"] = "003"
    changed["contexts"].pop(1)
    rules_of(changed, "main", "1")[0] = {"action": "hangup"}
    answer = import_menu(tenant, menu.ext, changed, dry_run=True)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["dry_run"] is True and body["changed"] is True and body["revision"] is None
    assert body["summary"]["contexts"] == {"added": 0, "removed": 1, "changed": 1, "kept": 0}
    assert body["summary"]["rules"] == {"added": 2, "removed": 4, "kept": 3}
    assert {
        "op": "replace",
        "path": 'contexts["main"].options["2"].rules[0].transfer_dst',
        "old": "002",
        "new": "003",
    } in body["changes"]
    assert {"op": "remove", "path": 'contexts["sales"]', "old": document["contexts"][1]} in body[
        "changes"
    ]
    assert export(tenant, menu.ext) == document
    assert version(tenant, menu.ext) == current
    assert revisions(tenant, menu.ext) == listed


def test_an_import_bumps_the_version_once(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    document, current = export(tenant, menu.ext), version(tenant, menu.ext)
    document["contexts"].reverse()
    document["settings"]["sleep_time"] = 0
    rules_of(document, "sales", "9").clear()
    answer = import_menu(tenant, menu.ext, document)
    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] == current + 1 == version(tenant, menu.ext)
    assert rules_of(export(tenant, menu.ext), "sales", "9") == []


def test_ambiguous_sound_titles_are_named_with_their_id(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    first, second = make_sound(tenant, "dup"), make_sound(tenant, "dup")
    main = make_context(tenant, ext, "main")
    tenant.http.post(
        f"{rules_url(ext, main)}/",
        json={"action": "play_sound", "sound": second, "sound_type": "background"},
    )
    document = export(tenant, ext)
    assert rules_of(document, "main", "start")[0]["sound"] == {"title": "dup", "id": second}
    fresh = make_ivr(tenant, "072")
    assert import_menu(tenant, fresh, document).status_code == 200
    assert export(tenant, fresh) == document
    rules_of(document, "main", "start")[0]["sound"] = "dup"
    answer = import_menu(tenant, fresh, document)
    assert answer.json()["errors"] == [
        {
            "path": "contexts[0].options[0].rules[0].sound",
            "message": "2 sounds have the title 'dup': name one as {\"title\": 'dup', "
            f'"id": ...}} (ids {first}, {second})',
        }
    ]


def test_contexts_sharing_a_name_round_trip(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    make_context(tenant, ext, "twin")
    second = make_context(tenant, ext, "twin", timeout=100)
    tenant.http.put(f"{ivr_url(ext)}/", json={"entry_context": second})
    document = export(tenant, ext)
    assert document["settings"]["entry_context"] == {"name": "twin", "occurrence": 2}
    fresh = make_ivr(tenant, "072")
    assert import_menu(tenant, fresh, document).status_code == 200
    assert export(tenant, fresh) == document
    document["settings"]["entry_context"] = "twin"
    answer = import_menu(tenant, fresh, document)
    assert answer.json()["errors"][0]["path"] == "settings.entry_context"


def test_another_tenant_can_neither_read_nor_write_the_menu(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    menu = build_menu(tenant)
    document = export(tenant, menu.ext)
    assert other_tenant.http.get(f"{ivr_url(menu.ext)}/export").status_code == 404
    assert import_menu(other_tenant, menu.ext, document).status_code == 404
    own = make_ivr(other_tenant)
    answer = import_menu(other_tenant, own, document)
    assert answer.status_code == 400
    paths = {error["path"] for error in answer.json()["errors"]}
    assert "settings.vm_greeting" in paths  # the first tenant's sound is not visible here
    assert "contexts[0].options[4].rules[0].interval" in paths


def test_a_call_api_application_cannot_import(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    reader = tenant.server.http(tenant.token_for(tenant.new_app(access="call_api")))
    assert reader.get(f"{ivr_url(menu.ext)}/export").status_code == 200
    answer = reader.put(f"{ivr_url(menu.ext)}/import", json=export(tenant, menu.ext))
    assert answer.status_code == 403
