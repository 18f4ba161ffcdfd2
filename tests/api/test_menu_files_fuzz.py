"""A valid exported menu with one part replaced by arbitrary JSON: the import answers 200 or
400 with paths for every error, never 5xx, and a refused import changes nothing."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Tenant
from .menu_files import build_menu, export, import_menu, version

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _places(item, (*path, index))
    return found


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    changed = copy.deepcopy(document)
    target = changed
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return changed


def test_arbitrary_parts_never_crash_the_import(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    document = export(tenant, menu.ext)
    places = _places(document)
    current = version(tenant, menu.ext)

    @settings(
        max_examples=120,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(place=st.sampled_from(places), new=JSON)
    def run(place: tuple[Any, ...], new: Any) -> None:
        answer = import_menu(tenant, menu.ext, _replace(document, place, new), dry_run=True)
        assert answer.status_code in (200, 400), answer.text
        if answer.status_code == 400:
            body = answer.json()
            assert body["message"]
            assert all(set(error) == {"path", "message"} for error in body.get("errors", []))

    run()
    assert export(tenant, menu.ext) == document
    assert version(tenant, menu.ext) == current


def test_unhashable_and_boolean_values_in_references_are_errors(tenant: Tenant) -> None:
    menu = build_menu(tenant)
    document = export(tenant, menu.ext)
    main = document["contexts"][0]["options"]
    main[0]["rules"][0]["sound"] = {"title": "hello", "id": [1]}
    main[4]["rules"][0]["context"] = {"name": [], "occurrence": True}
    main[3]["rules"][1]["action"] = ["hangup"]
    answer = import_menu(tenant, menu.ext, document)
    assert answer.status_code == 400, answer.text
    assert [error["path"] for error in answer.json()["errors"]] == [
        "contexts[0].options[0].rules[0].sound",
        "contexts[0].options[3].rules[1].action",
        "contexts[0].options[4].rules[0].context",
    ]
