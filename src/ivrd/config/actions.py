"""The one list of rule actions: one typed schema per action, joined by ``action``.

A rule request is validated against the schema of its ``action`` only, so each action
declares exactly the parameters it uses and which of them are required. Parameters of other
actions that a request carries are ignored (a client may send back a whole rule it read),
and are answered ``null`` or with their documented default. Conditions, ``name``, ``final``
and the legacy ``hangup_cause`` are common to every action.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ivrd.config.fields import (
    MAX_INT,
    CallerIdAction,
    CallStatus,
    HttpMethod,
    ManyDst,
    OptionKey,
    PlayDigitsMethod,
    RefId,
    SoundType,
    Template,
    TransferDst,
    Url,
    VariableName,
)
from ivrd.config.patterns import check_caller_id
from ivrd.config.types import Count

MAX_VOICE_HELPER_RULES = 100
MAX_RATE_LIMIT = 9  # the caller rates with one key press
# fields whose documented default replaces an explicit null
DEFAULTED = (
    "final",
    "hangup_cause",
    "caller_id_action",
    "call_status",
    "play_sound_from_variable",
    "max_rate",
    "voice_helper_classic_term",
)


class RuleFields(BaseModel):
    """What every rule carries whatever its action: name, ``final`` and the conditions."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(default=None, max_length=200)
    final: bool = True
    hangup_cause: str = Field(default="normal", max_length=50)
    interval: RefId = None
    caller_id_action: CallerIdAction = "any"
    caller_id: str | None = Field(default=None, max_length=500)
    match_variable_name: VariableName | None = None
    match_variable_value: str | None = Field(default=None, max_length=500)
    call_status: CallStatus = "any"
    order_position: int | None = Field(default=None, ge=0, le=MAX_INT)

    @field_validator(*DEFAULTED, mode="before", check_fields=False)
    @classmethod
    def _null_means_default(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if value is None and field is not None and field.get_default() is not None:
            return field.get_default()
        return value

    @field_validator("caller_id")
    @classmethod
    def _linear_time_pattern(cls, value: str | None) -> str | None:
        return None if value is None else check_caller_id(value)

    @model_validator(mode="after")
    def _conditions_complete(self) -> RuleFields:
        if self.caller_id_action in ("matches", "not_matches") and not self.caller_id:
            action = self.caller_id_action
            raise ValueError(f"caller_id: required when caller_id_action is {action}")
        if self.match_variable_name is not None and self.match_variable_value is None:
            raise ValueError("match_variable_value: required when match_variable_name is set")
        if self.match_variable_value is not None and self.match_variable_name is None:
            raise ValueError("match_variable_name: required when match_variable_value is set")
        return self


class Transfer(RuleFields):
    action: Literal["transfer"]
    transfer_dst: TransferDst
    transfer_timeout: Count | None = None


class SimpleTransfer(RuleFields):
    action: Literal["simple_transfer"]
    transfer_dst: ManyDst
    transfer_timeout: Count | None = None


class Hangup(RuleFields):
    action: Literal["hangup"]


class PlaySound(RuleFields):
    action: Literal["play_sound"]
    sound: Annotated[int, Field(ge=1, le=MAX_INT)]
    sound_type: SoundType
    play_sound_from_variable: bool = False


class PlaySilence(RuleFields):
    action: Literal["play_silence"]
    silence_time: Count


class JumpToContext(RuleFields):
    action: Literal["jump_to_context"]
    context: Annotated[int, Field(ge=1, le=MAX_INT)]
    context_option: OptionKey | None = None


class PlayDigits(RuleFields):
    action: Literal["play_digits"]
    digits: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[0-9]+$")]
    play_digits_method: PlayDigitsMethod


class PlayDigitsFromVariable(RuleFields):
    action: Literal["play_digits_from_variable"]
    play_digits_variable: VariableName
    play_digits_method: PlayDigitsMethod | None = None


class RecordDigits(RuleFields):
    action: Literal["record_digits"]
    record_digits_variable: VariableName
    record_digits_max: Annotated[int, Field(ge=1, le=100)]
    record_digits_sound: RefId = None
    record_digits_timeout: Count | None = None


class SetVariable(RuleFields):
    action: Literal["set_variable"]
    set_variable_name: VariableName
    set_variable_value: Annotated[Template, Field(max_length=1000)]


class TransferFromVariable(RuleFields):
    action: Literal["transfer_from_variable"]
    transfer_variable: VariableName
    transfer_timeout: Count | None = None


class CallInteractive(RuleFields):
    action: Literal["call_interactive"]
    call_interactive_url: Url
    call_interactive_method: HttpMethod
    call_interactive_timeout: Count | None = None


class SetCallerIdNumber(RuleFields):
    action: Literal["set_caller_id_number"]
    caller_id_number: Annotated[Template, Field(min_length=1)]


class SetCallerIdName(RuleFields):
    action: Literal["set_caller_id_name"]
    caller_id_name: Annotated[Template, Field(min_length=1)]


class QualityRate(RuleFields):
    action: Literal["quality_rate"]
    sound: RefId = None
    sound_type: SoundType | None = None
    play_sound_from_variable: bool = False
    max_rate: Annotated[int, Field(ge=1, le=MAX_RATE_LIMIT)] = 5


class VoiceHelperRule(BaseModel):
    """One phrase rule: speech containing one ``|``-separated alternative goes to the option."""

    model_config = ConfigDict(extra="ignore")

    to_option: OptionKey
    transcription: str = Field(min_length=1, max_length=1000)

    @field_validator("transcription")
    @classmethod
    def _alternatives(cls, value: str) -> str:
        if any(not part.strip() for part in value.split("|")):
            raise ValueError("every |-separated alternative must hold a word")
        return value


class VoiceHelper(RuleFields):
    action: Literal["voice_helper"]
    sound: RefId = None
    sound_type: SoundType | None = None
    play_sound_from_variable: bool = False
    voice_helper_rules: list[VoiceHelperRule] | None = Field(
        default=None, max_length=MAX_VOICE_HELPER_RULES
    )
    voice_helper_timeout: Count | None = None
    voice_helper_digits_max: Count | None = None
    voice_helper_final_count: Count | None = None
    voice_helper_classic_term: bool = True


class StartRecord(RuleFields):
    action: Literal["start_record"]


ACTION_MODELS: tuple[type[RuleFields], ...] = (
    Transfer,
    SimpleTransfer,
    Hangup,
    PlaySound,
    PlaySilence,
    JumpToContext,
    PlayDigits,
    PlayDigitsFromVariable,
    RecordDigits,
    SetVariable,
    TransferFromVariable,
    CallInteractive,
    SetCallerIdNumber,
    SetCallerIdName,
    QualityRate,
    VoiceHelper,
    StartRecord,
)
ACTIONS: tuple[str, ...] = tuple(
    get_args(model.model_fields["action"].annotation)[0] for model in ACTION_MODELS
)

RuleWrite = Annotated[
    Transfer
    | SimpleTransfer
    | Hangup
    | PlaySound
    | PlaySilence
    | JumpToContext
    | PlayDigits
    | PlayDigitsFromVariable
    | RecordDigits
    | SetVariable
    | TransferFromVariable
    | CallInteractive
    | SetCallerIdNumber
    | SetCallerIdName
    | QualityRate
    | VoiceHelper
    | StartRecord,
    Field(discriminator="action"),
]
"""A rule as created (POST) or replaced (PUT): the schema of its ``action``."""
