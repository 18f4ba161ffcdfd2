"""What a check reports, the catalogue of checks, and the facts a menu snapshot lacks.

Codes are stable (clients may filter on them): a letter for the severity, a number, and a
slug. The catalogue is the one list of them; ``docs/checks.md`` documents each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
PathPart = tuple[str, int | str]


@dataclass(frozen=True, slots=True)
class Check:
    """One kind of finding: its stable code, usual severity and a one-line title."""

    code: str
    severity: Severity
    title: str


def _catalogue(*checks: Check) -> dict[str, Check]:
    return {c.code: c for c in checks}


CHECKS = _catalogue(
    Check("E001-no-entry-context", "error", "entry_context unset or missing"),
    Check("W002-unreachable-context", "warning", "no path from the entry reaches the context"),
    Check("E003-jump-target-missing", "error", "jump_to_context names a missing context"),
    Check("W004-target-option-missing", "warning", "a jump or voice_helper names a missing option"),
    Check("W005-dead-rule", "warning", "rule after an unconditional hangup or jump"),
    Check("E006-jump-spin", "error", "jump cycle with no prompt and no input: spins"),
    Check("W007-jump-may-spin", "warning", "jump cycle that spins when conditions allow"),
    Check("W008-endless-loop", "warning", "a silent caller loops forever (lifetime is 0)"),
    Check("W009-entry-start-empty", "warning", "entry context's start option has no rules"),
    Check("E010-option-too-long", "error", "option longer than the context's digit_len"),
    Check("E011-option-bad-characters", "error", "option digits that input can never hold"),
    Check("W012-option-hides-extension", "warning", "option equal to a dialable extension"),
    Check("W013-prefix-ambiguity", "warning", "option that starts a longer option or extension"),
    Check("I014-extension-not-dialable", "info", "extensions longer than digit_len"),
    Check("W015-option-never-offered", "warning", "option of a context that never takes input"),
    Check("W016-timeout-default", "warning", "timeout 0 in a context that waits for input"),
    Check("W017-foreground-before-input", "warning", "foreground prompt last before input"),
    Check("W020-implausible-transfer-dst", "warning", "transfer destination not a number"),
    Check("W022-variable-never-set", "warning", "a variable read that nothing sets"),
    Check("W023-call-status-without-transfer", "warning", "call_status with no transfer before"),
    Check("E030-interval-missing", "error", "rule names an interval that does not exist"),
    Check("W031-interval-never-active", "warning", "rule names an interval never active"),
    Check("E032-sound-missing", "error", "sound id that is not a sound of the client"),
    Check("E033-sound-audio-missing", "error", "sound whose stored audio file is missing"),
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: severity, stable code, message and where (context/option/rule ids)."""

    severity: Severity
    code: str
    message: str
    path: tuple[PathPart, ...] = ()

    def __post_init__(self) -> None:
        check = CHECKS.get(self.code)
        if check is None:
            raise ValueError(f"unknown check code {self.code!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be error, warning or info, got {self.severity!r}")
        if not self.message:
            raise ValueError("message must not be empty")

    def as_dict(self) -> dict[str, object]:
        """The JSON form: ``{"severity", "code", "message", "path": {...}}``."""
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "path": dict(self.path),
        }


def finding(code: str, message: str, *path: PathPart, severity: Severity | None = None) -> Finding:
    """A finding with the catalogue's severity unless another is given."""
    return Finding(severity or CHECKS[code].severity, code, message, path)


@dataclass(frozen=True, slots=True)
class MenuFacts:
    """What the checks need beyond the menu snapshot, gathered by the caller.

    ``missing_audio``: sound ids whose stored audio file is missing. ``interval_names``: for
    messages. ``never_active``: interval id → why it can never be active (see
    ``analysis.intervals.never_active``). ``own_numbers``: the IVR extension's own names (full
    and short), to catch transfers back into the menu itself.
    """

    missing_audio: frozenset[int] = frozenset()
    interval_names: Mapping[int, str] = field(default_factory=dict)
    never_active: Mapping[int, str] = field(default_factory=dict)
    own_numbers: frozenset[str] = frozenset()

    def interval_label(self, interval_id: int) -> str:
        name = self.interval_names.get(interval_id)
        return f"interval {interval_id} ({name})" if name else f"interval {interval_id}"
