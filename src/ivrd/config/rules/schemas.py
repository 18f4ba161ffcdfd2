"""Rule answers (every field, ``null`` when unset) and the order resource.

Requests are the per-action schemas of ``config/actions.py``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ivrd.config.fields import MAX_INT

MAX_RULES_IDS = 10_000


class RuleRead(BaseModel):
    """The seed's rule answer, field for field, plus ``play_sound_from_variable``."""

    id: int
    name: str | None
    action: str
    final: bool
    interval: int | None
    caller_id_action: str
    caller_id: str | None
    match_variable_name: str | None
    match_variable_value: str | None
    call_status: str
    transfer_dst: str | None
    transfer_timeout: int | None
    hangup_cause: str | None
    sound: int | None
    sound_type: str | None
    play_sound_from_variable: bool
    silence_time: int | None
    context: int | None
    context_option: str | None
    digits: str | None
    play_digits_method: str | None
    play_digits_variable: str | None
    record_digits_variable: str | None
    record_digits_max: int | None
    record_digits_sound: int | None
    record_digits_timeout: int | None
    set_variable_name: str | None
    set_variable_value: str | None
    transfer_variable: str | None
    call_interactive_url: str | None
    call_interactive_method: str | None
    call_interactive_timeout: int | None
    caller_id_number: str | None
    caller_id_name: str | None
    max_rate: int | None
    voice_helper_rules: list[dict[str, Any]] | None
    voice_helper_timeout: int | None
    voice_helper_digits_max: int | None
    voice_helper_final_count: int | None
    voice_helper_classic_term: bool


class RulesOrder(BaseModel):
    model_config = ConfigDict(extra="ignore")

    rules_ids: list[Annotated[int, Field(ge=1, le=MAX_INT)]] = Field(max_length=MAX_RULES_IDS)
