"""Stored rules as the API spells them → the engine's typed rules."""

from __future__ import annotations

from typing import Any

import pytest
import re2

from ivrd.engine import actions as a
from ivrd.engine.build import ACTION_TYPES, action_from_fields, rule_from_fields

# The seed's answer to "POST .../options/start/rules/" (every field, unset ones null).
SEED_RULE: dict[str, Any] = {
    "transfer_variable": None,
    "call_status": "any",
    "play_digits_method": None,
    "voice_helper_classic_term": True,
    "caller_id": None,
    "voice_helper_final_count": None,
    "match_variable_value": None,
    "play_digits_variable": None,
    "call_interactive_method": None,
    "voice_helper_timeout": None,
    "id": 1,
    "record_digits_max": None,
    "voice_helper_digits_max": None,
    "match_variable_name": None,
    "caller_id_action": "any",
    "context_option": None,
    "silence_time": None,
    "set_variable_name": None,
    "caller_id_number": None,
    "hangup_cause": "normal",
    "record_digits_timeout": None,
    "sound": 52,
    "sound_type": "foreground",
    "call_interactive_url": None,
    "max_rate": 5,
    "caller_id_name": None,
    "voice_helper_rules": None,
    "transfer_timeout": None,
    "digits": None,
    "name": None,
    "record_digits_variable": None,
    "interval": None,
    "final": True,
    "transfer_dst": None,
    "context": None,
    "action": "play_sound",
    "set_variable_value": None,
    "call_interactive_timeout": None,
    "record_digits_sound": None,
}


def test_seed_rule() -> None:
    rule = rule_from_fields(SEED_RULE, lambda p: re2.compile(p).search)
    assert rule.id == 1 and rule.final and rule.always
    assert rule.action == a.PlaySound(52, "foreground")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"action": "transfer", "transfer_dst": "+7987654321"}, a.Transfer("+7987654321")),
        ({"action": "hangup"}, a.Hangup("normal")),
        ({"action": "jump_to_context", "context": 3, "context_option": 2}, a.JumpToContext(3, "2")),
        (
            {
                "action": "voice_helper",
                "sound": 5,
                "voice_helper_rules": [{"to_option": 1, "transcription": "машина|техник"}],
            },
            a.VoiceHelper(5, (a.VoiceHelperRule("1", "машина|техник"),)),
        ),
        ({"action": "start_record"}, a.StartRecord()),
    ],
)
def test_actions(changes: dict[str, Any], expected: a.Action) -> None:
    assert (
        action_from_fields({**SEED_RULE, "sound": None, "sound_type": None, **changes}) == expected
    )


def test_every_api_action_is_known() -> None:
    assert len(ACTION_TYPES) == 17


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "dance"}, "unknown action 'dance'"),
        ({"action": "transfer"}, "action transfer: .*transfer_dst"),
        ({"action": "play_sound", "sound": 1, "sound_type": "loud"}, "sound_type must be"),
    ],
)
def test_errors(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        action_from_fields(fields)


def test_caller_id_condition_is_compiled_by_the_caller() -> None:
    fields = {**SEED_RULE, "caller_id_action": "matches", "caller_id": r"^(\+|)7812"}
    rule = rule_from_fields(fields, lambda p: re2.compile(p).search)
    assert rule.conditions.caller_id_matcher is not None
    assert rule.conditions.caller_id_matcher("+78120000000")
    assert not rule.conditions.caller_id_matcher("+74950000000")
    with pytest.raises(ValueError, match="needs a caller_id pattern"):
        rule_from_fields({**fields, "caller_id": None}, lambda p: re2.compile(p).search)
