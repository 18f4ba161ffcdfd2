"""Check and picture request/answer shapes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

GraphFormat = Literal["mermaid", "dot", "svg"]
MAX_TRACE_ENTRIES = 100_000


class FindingRead(BaseModel):
    severity: Literal["error", "warning", "info"]
    code: str = Field(description="stable, e.g. W013-prefix-ambiguity (docs/checks.md)")
    message: str
    path: dict[str, int | str] = Field(
        description='the object: {"context": id, "option": digits, "rule": id} or {"ivr": field}'
    )


class CheckAnswer(BaseModel):
    findings: list[FindingRead]
    counts: dict[Literal["error", "warning", "info"], int]


class GraphRequest(BaseModel):
    """A picture with a simulated call's path drawn over it."""

    model_config = ConfigDict(extra="forbid")

    format: GraphFormat = "svg"
    trace: list[dict[str, Any]] | dict[str, Any] = Field(
        default_factory=list,
        description="the `trace` list of a POST .../ivr/simulate answer, or the whole answer",
    )

    @field_validator("trace")
    @classmethod
    def _bounded(cls, value: list[dict[str, Any]] | dict[str, Any]) -> Any:
        entries = value.get("trace", []) if isinstance(value, dict) else value
        if isinstance(entries, list) and len(entries) > MAX_TRACE_ENTRIES:
            raise ValueError(f"at most {MAX_TRACE_ENTRIES} trace entries")
        return value

    def trace_entries(self) -> list[dict[str, Any]]:
        """The trace list, whether the list itself or a whole simulation answer was sent."""
        if isinstance(self.trace, dict):
            entries = self.trace.get("trace", [])
            return list(entries) if isinstance(entries, list) else []
        return self.trace
