"""The simulator's script: what the simulated caller does, validated.

Items are plain dicts as the simulate endpoint receives them (see ``simulate.py``); every
error names the item (``script[2]: ...``) so an API answer can point at it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

KEYS = frozenset({"after_ms", "when_playing", "digits", "speech", "hangup", "final"})


@dataclasses.dataclass(frozen=True, slots=True)
class ScriptItem:
    """One validated script step."""

    after_ms: int
    when_playing: int | None
    digits: str | None = None
    speech: str | None = None
    hangup: bool = False
    final: bool = True

    @classmethod
    def parse(cls, raw: Mapping[str, Any], index: int) -> ScriptItem:
        where = f"script[{index}]"
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where}: must be an object")
        unknown = set(raw) - KEYS
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        acts = [k for k in ("digits", "speech", "hangup") if raw.get(k) not in (None, False)]
        if len(acts) != 1:
            raise ValueError(f"{where}: needs exactly one of digits, speech, hangup")
        after, playing = raw.get("after_ms", 0), raw.get("when_playing")
        if type(after) is not int or after < 0:
            raise ValueError(f"{where}: after_ms must be a non-negative integer")
        if playing is not None and type(playing) is not int:
            raise ValueError(f"{where}: when_playing must be a sound id")
        digits = raw.get("digits")
        if digits is not None and (
            not isinstance(digits, str) or not all(d in "0123456789*#" for d in digits)
        ):
            raise ValueError(f"{where}: digits must be a string of 0-9, * and #")
        speech = raw.get("speech")
        if speech is not None and not isinstance(speech, str):
            raise ValueError(f"{where}: speech must be a string")
        final = raw.get("final", True)
        if not isinstance(final, bool) or (speech is None and "final" in raw):
            raise ValueError(f"{where}: final must be a boolean, and goes with speech")
        return cls(after, playing, digits, speech, raw.get("hangup") is True, final)


def parse_script(script: Iterable[Mapping[str, Any]]) -> tuple[ScriptItem, ...]:
    """Validate a script (raises ValueError naming the bad item)."""
    return tuple(ScriptItem.parse(item, i) for i, item in enumerate(script))
