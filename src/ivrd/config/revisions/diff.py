"""A readable structured diff of two menu documents.

Each change is ``{"op": "add" | "remove" | "replace", "path": ..., "old": ..., "new": ...}``.
Paths are written like the import's error paths, except that contexts are addressed by
name and options by digits (``contexts["main"].options["1"].rules[0].sound``), so adding a
context does not renumber every later one. Rules are compared as a sequence: inserting a
rule is one ``add``, not a change to every rule after it.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from typing import Any

KEYED_LISTS = {"contexts": "name", "options": "digits"}


def diff_documents(old: Any, new: Any) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    _diff(old, new, "", changes)
    return changes


def unified_diff(old: Any, new: Any, old_name: str, new_name: str) -> str:
    """The canonical JSON texts (sorted keys, two-space indent) as a unified diff."""
    before = json.dumps(old, indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    after = json.dumps(new, indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    return "\n".join(difflib.unified_diff(before, after, old_name, new_name, lineterm="")) + "\n"


def _diff(old: Any, new: Any, path: str, out: list[dict[str, Any]]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            _member(old, new, key, _join(path, key), out)
    elif isinstance(old, list) and isinstance(new, list):
        key = KEYED_LISTS.get(path.rsplit(".", 1)[-1].split("[")[0])
        if key and _all_keyed(old, key) and _all_keyed(new, key):
            _keyed(_labelled(old, key), _labelled(new, key), path, out)
        else:
            _sequence(old, new, path, out)
    elif old != new or type(old) is not type(new):
        out.append({"op": "replace", "path": path, "old": old, "new": new})


def _member(old: dict[str, Any], new: dict[str, Any], key: str, path: str, out: list[Any]) -> None:
    if key not in old:
        out.append({"op": "add", "path": path, "new": new[key]})
    elif key not in new:
        out.append({"op": "remove", "path": path, "old": old[key]})
    else:
        _diff(old[key], new[key], path, out)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _all_keyed(items: list[Any], key: str) -> bool:
    return all(isinstance(item, dict) and isinstance(item.get(key), str) for item in items)


def _labelled(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    """Items by key; a key held by several items is told apart as ``key#n``."""
    total = Counter(item[key] for item in items)
    seen: Counter[str] = Counter()
    labelled = {}
    for item in items:
        seen[item[key]] += 1
        name = item[key] if total[item[key]] == 1 else f"{item[key]}#{seen[item[key]]}"
        labelled[name] = item
    return labelled


def _keyed(old: dict[str, Any], new: dict[str, Any], path: str, out: list[Any]) -> None:
    for label in list(old) + [label for label in new if label not in old]:
        _member(old, new, label, f"{path}[{json.dumps(label, ensure_ascii=False)}]", out)


def _sequence(old: list[Any], new: list[Any], path: str, out: list[dict[str, Any]]) -> None:
    texts = [[json.dumps(item, sort_keys=True) for item in side] for side in (old, new)]
    matcher = difflib.SequenceMatcher(None, texts[0], texts[1], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                _diff(old[i1 + offset], new[j1 + offset], f"{path}[{j1 + offset}]", out)
            continue
        if tag in ("replace", "delete"):
            out += [{"op": "remove", "path": f"{path}[{i}]", "old": old[i]} for i in range(i1, i2)]
        if tag in ("replace", "insert"):
            out += [{"op": "add", "path": f"{path}[{j}]", "new": new[j]} for j in range(j1, j2)]
