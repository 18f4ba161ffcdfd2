"""Calls snapshot the menu by version: an import or a restore is seen by the next call at
once, while a call holding the old snapshot keeps it; dry runs and refused imports are not
seen at all."""

from __future__ import annotations

from ivrd.runtime.directory import Directory

from .conftest import Tenant
from .ivr_fixtures import ivr_url
from .menu_files import build_menu, export, import_menu, rules_of, version


# runtime/directory.py still calls Result.tuples(), deprecated in SQLAlchemy 2.1
def test_imports_and_restores_reach_new_calls_only(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    directory = Directory(tenant.server.db)
    in_call = directory.snapshot(menu.ext)
    assert directory.snapshot(menu.ext) is in_call  # cached while the version holds
    old_version = version(tenant, menu.ext)
    document = export(tenant, menu.ext)
    changed = export(tenant, menu.ext)
    rules_of(changed, "main", "2")[0]["transfer_dst"] = "003"
    assert import_menu(tenant, menu.ext, changed, dry_run=True).status_code == 200
    changed["format"] = 0
    assert import_menu(tenant, menu.ext, changed).status_code == 400
    assert directory.snapshot(menu.ext) is in_call
    changed["format"] = 1
    assert import_menu(tenant, menu.ext, changed).status_code == 200
    next_call = directory.snapshot(menu.ext)
    assert next_call is not in_call
    assert next_call.menu.settings.version == old_version + 1
    assert in_call.menu.settings.version == old_version  # the call in progress keeps its menu
    restored = tenant.http.post(f"{ivr_url(menu.ext)}/revisions/{old_version}/restore")
    assert restored.status_code == 200, restored.text
    after_restore = directory.snapshot(menu.ext)
    assert after_restore.menu.settings.version == old_version + 2
    assert after_restore.menu.contexts.keys() == in_call.menu.contexts.keys()
    assert export(tenant, menu.ext) == document
