"""Compact, exact renderings of a simulated call, for scenario tables."""

from __future__ import annotations

from typing import Any

SIDE_EFFECTS = {
    "play",
    "say_text",
    "silence",
    "say_digits",
    "stop",
    "transfer",
    "cancel_transfer",
    "http",
    "record",
    "voicemail",
    "rating",
    "recognise",
    "stop_recognition",
    "hangup",
}


def line(e: dict[str, Any]) -> str:
    """One command of the trace as ``"<t_ms> <what>"``."""
    kind, t = e["kind"], e["t_ms"]
    if kind == "play":
        return f"{t} play {e['sound']} {e['mode']}"
    if kind == "say_text":
        return f"{t} say_text {e['text']!r} {e['mode']}"
    if kind == "silence":
        return f"{t} silence {e['duration_ms']}"
    if kind == "say_digits":
        return f"{t} say {e['digits']} {e['method']}"
    if kind == "transfer":
        extra = (" simple" if e["simple"] else "") + ("" if e["final"] else " nonfinal")
        return f"{t} transfer {' '.join(e['destinations'])}{extra}"
    if kind == "http":
        return f"{t} http {e['method']} {e['url']}"
    if kind == "rating":
        return f"{t} rating {e['rating']}/{e['max_rate']}"
    if kind == "hangup":
        return f"{t} hangup {e['cause']}"
    return f"{t} {kind}"


def effects(result: dict[str, Any]) -> list[str]:
    """The side effects of a simulated call, in order, with their virtual times."""
    return [line(e) for e in result["trace"] if e["kind"] in SIDE_EFFECTS]


def traces(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The engine's decisions of one kind (without t_ms and kind)."""
    return [
        {k: v for k, v in e.items() if k not in ("t_ms", "kind")}
        for e in result["trace"]
        if e["kind"] == kind
    ]


def outcome(result: dict[str, Any]) -> tuple[str, list[str], int]:
    o = result["outcome"]
    return (o["action"], o["destinations"], o["t_ms"])
