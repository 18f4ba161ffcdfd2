"""Reading a menu without running it: static checks and pictures.

Everything here is pure (no database, no clock, no files): ``analyze(menu, facts)`` takes the
engine's own ``Menu`` snapshot plus the few facts the snapshot lacks (``MenuFacts``), so the
checks judge exactly what the engine would run. ``config/checks`` gathers the facts and serves
the answers.
"""

from __future__ import annotations

from ivrd.analysis.analyze import analyze, counts
from ivrd.analysis.findings import CHECKS, Finding, MenuFacts, Severity

__all__ = ["CHECKS", "Finding", "MenuFacts", "Severity", "analyze", "counts"]
