"""Refused rule requests: every validation rule answers 400 naming the field, storing nothing."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Server, make_tenant
from .ivr_fixtures import ivr_url, make_context, make_ivr, make_option, rules_url
from .test_ivr_rules import TRANSFER

INVALID: list[tuple[dict[str, Any], str]] = [
    ({}, "action: field required"),
    ({"action": None}, "action: field required"),
    ({"action": "dance"}, "action: must be one of transfer, simple_transfer, hangup"),
    ({"action": "transfer"}, "transfer_dst: field required"),
    ({"action": "transfer", "transfer_dst": " "}, "transfer_dst: at least one number"),
    (
        {"action": "transfer", "transfer_dst": " ".join(str(100 + i) for i in range(11))},
        "transfer_dst: at most 10 numbers (got 11); use simple_transfer for more",
    ),
    ({"action": "transfer", "transfer_dst": "05a"}, "transfer_dst: '05a' is not a number"),
    ({"action": "simple_transfer"}, "transfer_dst: field required"),
    ({"action": "play_sound", "sound_type": "background"}, "sound: field required"),
    ({"action": "play_sound", "sound": 1}, "sound_type: field required"),
    ({"action": "play_sound", "sound": 1, "sound_type": "loud"}, "sound_type: Input should be"),
    ({"action": "play_silence"}, "silence_time: field required"),
    ({"action": "play_silence", "silence_time": -1}, "silence_time: Input should be greater"),
    ({"action": "jump_to_context"}, "context: field required"),
    ({"action": "play_digits", "play_digits_method": "iterated"}, "digits: field required"),
    ({"action": "play_digits", "digits": "12"}, "play_digits_method: field required"),
    (
        {"action": "play_digits", "digits": "12", "play_digits_method": "sung"},
        "play_digits_method: Input should be 'pronounced' or 'iterated'",
    ),
    ({"action": "play_digits_from_variable"}, "play_digits_variable: field required"),
    (
        {"action": "record_digits", "record_digits_max": 3},
        "record_digits_variable: field required",
    ),
    (
        {"action": "record_digits", "record_digits_variable": "code"},
        "record_digits_max: field required",
    ),
    (
        {"action": "record_digits", "record_digits_variable": "code", "record_digits_max": "x"},
        "record_digits_max: Input should be a valid integer",
    ),
    ({"action": "set_variable", "set_variable_value": "1"}, "set_variable_name: field required"),
    ({"action": "set_variable", "set_variable_name": "a"}, "set_variable_value: field required"),
    (
        {"action": "set_variable", "set_variable_name": "1abc", "set_variable_value": "1"},
        "set_variable_name: must start with a latin letter",
    ),
    (
        {"action": "set_variable", "set_variable_name": "имя", "set_variable_value": "1"},
        "set_variable_name: must start with a latin letter",
    ),
    (
        {"action": "set_variable", "set_variable_name": "a", "set_variable_value": "${1x}"},
        "set_variable_value: ${1x} is not a valid variable reference",
    ),
    ({"action": "transfer_from_variable"}, "transfer_variable: field required"),
    (
        {"action": "call_interactive", "call_interactive_method": "GET"},
        "call_interactive_url: field required",
    ),
    (
        {"action": "call_interactive", "call_interactive_url": "http://x.test/"},
        "call_interactive_method: field required",
    ),
    (
        {
            "action": "call_interactive",
            "call_interactive_url": "ftp://x.test/",
            "call_interactive_method": "GET",
        },
        "call_interactive_url: must start with http:// or https://",
    ),
    (
        {
            "action": "call_interactive",
            "call_interactive_url": "http://x.test/",
            "call_interactive_method": "PUT",
        },
        "call_interactive_method: Input should be 'GET' or 'POST'",
    ),
    (
        {
            "action": "call_interactive",
            "call_interactive_url": "http://x.test/",
            "call_interactive_method": "GET",
            "call_interactive_timeout": -5,
        },
        "call_interactive_timeout: Input should be greater than or equal to 0",
    ),
    ({"action": "set_caller_id_number"}, "caller_id_number: field required"),
    ({"action": "set_caller_id_name"}, "caller_id_name: field required"),
    ({"action": "quality_rate", "max_rate": 0}, "max_rate: Input should be greater"),
    (TRANSFER | {"caller_id_action": "sometimes"}, "caller_id_action: Input should be"),
    (TRANSFER | {"call_status": "ringing"}, "call_status: Input should be"),
    (TRANSFER | {"caller_id_action": "matches"}, "caller_id: required when caller_id_action"),
    (
        TRANSFER | {"caller_id_action": "not_matches"},
        "caller_id: required when caller_id_action is not_matches",
    ),
    (
        TRANSFER | {"caller_id_action": "matches", "caller_id": r"^(\d)\1"},
        "caller_id: backreference \\1 is not supported; patterns must run in linear time",
    ),
    (
        TRANSFER | {"caller_id_action": "matches", "caller_id": r"^7(?=812)"},
        "caller_id: look-around (?=...) is not supported; patterns must run in linear time",
    ),
    (
        TRANSFER | {"caller_id_action": "matches", "caller_id": r"(?<!\+)7812"},
        "caller_id: look-around (?<!...) is not supported; patterns must run in linear time",
    ),
    (
        TRANSFER | {"caller_id_action": "matches", "caller_id": "([0-9]"},
        "caller_id: invalid pattern: missing ): ([0-9]",
    ),
    (
        TRANSFER | {"match_variable_name": "lang"},
        "match_variable_value: required when match_variable_name is set",
    ),
    (
        TRANSFER | {"match_variable_value": "ru"},
        "match_variable_name: required when match_variable_value is set",
    ),
    (
        TRANSFER | {"match_variable_name": "9lang", "match_variable_value": "ru"},
        "match_variable_name: must start with a latin letter",
    ),
    (TRANSFER | {"transfer_timeout": -1}, "transfer_timeout: Input should be greater"),
    (TRANSFER | {"interval": -1}, "interval: Input should be greater"),
    (TRANSFER | {"order_position": -1}, "order_position: Input should be greater"),
    (TRANSFER | {"transfer_timeout": 2**40}, "transfer_timeout: Input should be less"),
    ({"action": "voice_helper", "voice_helper_timeout": -1}, "voice_helper_timeout: Input"),
    (
        {"action": "voice_helper", "voice_helper_rules": [{"transcription": "a"}]},
        "voice_helper_rules[0].to_option: field required",
    ),
]


@pytest.fixture(scope="module")
def shared_menu(server: Server) -> dict[str, Any]:
    """One menu for the refusal table: a refused request changes nothing, so tests may share."""
    owner = make_tenant(server)
    ext = make_ivr(owner)
    ctx = make_context(owner, ext)
    make_option(owner, ext, ctx, "1")
    return {"token": owner.token, "ext": ext, "url": rules_url(ext, ctx)}


@pytest.mark.parametrize(("body", "message"), INVALID)
def test_invalid_rules_are_refused_naming_the_field(
    server: Server, shared_menu: dict[str, Any], body: dict[str, Any], message: str
) -> None:
    http = server.http(shared_menu["token"])
    settings = ivr_url(shared_menu["ext"])
    version = http.get(settings).json()["version"]
    answer = http.post(f"{shared_menu['url']}/", json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"].startswith(message), answer.json()
    assert http.get(shared_menu["url"]).json() == []
    assert http.get(settings).json()["version"] == version
