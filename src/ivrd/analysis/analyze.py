"""Run every check over one menu and order the findings for reading."""

from __future__ import annotations

from ivrd.analysis.findings import SEVERITIES, Finding, MenuFacts, Severity
from ivrd.analysis.flow import build_flow
from ivrd.analysis.inputs import check_inputs
from ivrd.analysis.references import check_references
from ivrd.analysis.structure import check_structure
from ivrd.engine.menu import Menu


def analyze(menu: Menu, facts: MenuFacts | None = None) -> list[Finding]:
    """Every finding for ``menu``: errors first, then warnings, then notes; each group by
    where it points (IVR settings, then contexts by id)."""
    facts = facts or MenuFacts()
    flow = build_flow(menu)
    findings = [
        *check_structure(flow),
        *check_inputs(menu),
        *check_references(menu, facts),
    ]
    return sorted(set(findings), key=_order)


def _order(f: Finding) -> tuple[int, tuple[str, ...], str, str]:
    where = tuple(
        f"{k}:{v:>12}" if isinstance(v, int) else f"{'!' if k == 'ivr' else k}:{v}"
        for k, v in f.path
    )
    return SEVERITIES.index(f.severity), where, f.code, f.message


def counts(findings: list[Finding]) -> dict[Severity, int]:
    """How many findings of each severity (all three keys present)."""
    out: dict[Severity, int] = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        out[f.severity] += 1
    return out
