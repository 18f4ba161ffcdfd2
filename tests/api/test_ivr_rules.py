"""Rules over real HTTP: every action, its validation, ids, positions, order, PUT semantics."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete

from ivrd.db.models import Sound

from .conftest import Tenant
from .ivr_fixtures import (
    enable_speech,
    make_context,
    make_interval,
    make_ivr,
    make_option,
    make_rule,
    make_sound,
    rules_url,
)
from .test_ivr_seed_example import SEED_RULE


@pytest.fixture
def menu(tenant: Tenant) -> dict[str, Any]:
    ext = make_ivr(tenant)
    ctx = make_context(tenant, ext)
    make_option(tenant, ext, ctx, "1")
    return {"ext": ext, "ctx": ctx, "url": rules_url(ext, ctx), "sound": make_sound(tenant, "s")}


def _valid_bodies(sound: int, ctx: int) -> list[dict[str, Any]]:
    return [
        {"action": "transfer", "transfer_dst": "101 102 +74950000000", "transfer_timeout": 20},
        {"action": "simple_transfer", "transfer_dst": " ".join(str(100 + i) for i in range(15))},
        {"action": "hangup", "hangup_cause": "busy"},
        {"action": "play_sound", "sound": sound, "sound_type": "background"},
        {"action": "play_silence", "silence_time": 1500},
        {"action": "jump_to_context", "context": ctx, "context_option": "1"},
        {"action": "play_digits", "digits": "123", "play_digits_method": "iterated"},
        {"action": "play_digits_from_variable", "play_digits_variable": "code"},
        {
            "action": "record_digits",
            "record_digits_variable": "code",
            "record_digits_max": 4,
            "record_digits_sound": sound,
            "record_digits_timeout": 10,
        },
        {
            "action": "set_variable",
            "set_variable_name": "lang",
            "set_variable_value": "${called_did}",
        },
        {"action": "transfer_from_variable", "transfer_variable": "dst"},
        {
            "action": "call_interactive",
            "call_interactive_url": "https://example.test/ci?from=${caller_id_number}",
            "call_interactive_method": "POST",
            "call_interactive_timeout": 3,
        },
        {"action": "set_caller_id_number", "caller_id_number": "+7${caller_id_number}"},
        {"action": "set_caller_id_name", "caller_id_name": "VIP ${caller_id_name}"},
        {"action": "quality_rate", "sound": sound, "max_rate": 9},
        {"action": "start_record", "name": "record everything", "final": False},
    ]


def test_every_action_is_stored_and_answered_in_full(tenant: Tenant, menu: dict[str, Any]) -> None:
    for body in _valid_bodies(menu["sound"], menu["ctx"]):
        rule = make_rule(tenant, menu["ext"], menu["ctx"], "start", **body)
        assert set(rule) == set(SEED_RULE) | {"id", "play_sound_from_variable"}
        for key, value in body.items():
            assert rule[key] == value, (key, rule)
        fetched = tenant.http.get(f"{menu['url']}/{rule['id']}")
        assert fetched.status_code == 200 and fetched.json() == rule


def test_parameters_of_other_actions_are_ignored(tenant: Tenant, menu: dict[str, Any]) -> None:
    rule = make_rule(
        tenant,
        menu["ext"],
        menu["ctx"],
        "start",
        action="transfer",
        transfer_dst="050",
        sound=menu["sound"],
        sound_type="background",
        max_rate=3,
        silence_time=10,
        unknown_field="x",
    )
    assert (rule["sound"], rule["sound_type"], rule["max_rate"], rule["silence_time"]) == (
        None,
        None,
        5,
        None,
    )


def test_null_means_the_documented_default(tenant: Tenant, menu: dict[str, Any]) -> None:
    rule = make_rule(
        tenant,
        menu["ext"],
        menu["ctx"],
        "start",
        action="hangup",
        final=None,
        call_status=None,
        caller_id_action=None,
        hangup_cause=None,
        interval=0,
    )
    assert (rule["final"], rule["call_status"], rule["caller_id_action"]) == (True, "any", "any")
    assert (rule["hangup_cause"], rule["interval"]) == ("normal", None)


TRANSFER = {"action": "transfer", "transfer_dst": "050"}


def test_wrong_body_shapes_are_400(tenant: Tenant, menu: dict[str, Any]) -> None:
    array = tenant.http.post(f"{menu['url']}/", json=[TRANSFER])
    assert array.status_code == 400
    assert array.json() == {"message": "Request body must be a JSON object"}
    broken = tenant.http.post(
        f"{menu['url']}/", content=b'{digits": "2"}', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and broken.json()["message"].startswith("Malformed JSON")


def test_record_digits_max_accepts_the_documented_string_type(
    tenant: Tenant, menu: dict[str, Any]
) -> None:
    rule = make_rule(
        tenant,
        menu["ext"],
        menu["ctx"],
        "start",
        action="record_digits",
        record_digits_variable="code",
        record_digits_max="4",
    )
    assert rule["record_digits_max"] == 4


def test_caller_id_pattern_of_the_source_is_accepted(tenant: Tenant, menu: dict[str, Any]) -> None:
    rule = make_rule(
        tenant,
        menu["ext"],
        menu["ctx"],
        "start",
        **TRANSFER,
        caller_id_action="matches",
        caller_id=r"^(\+|)7812",
    )
    assert rule["caller_id"] == r"^(\+|)7812"


def test_references_must_belong_to_the_client_and_ivr(
    tenant: Tenant, other_tenant: Tenant, menu: dict[str, Any]
) -> None:
    foreign_sound = make_sound(other_tenant, "theirs")
    foreign_interval = make_interval(other_tenant)
    other_ext = make_ivr(tenant, "072")
    other_ctx = make_context(tenant, other_ext)
    cases = [
        (
            {"action": "play_sound", "sound": foreign_sound, "sound_type": "background"},
            f"sound: sound {foreign_sound} not found",
        ),
        (
            {"action": "play_sound", "sound": 2**31 - 1, "sound_type": "background"},
            f"sound: sound {2**31 - 1} not found",
        ),
        (
            {
                "action": "record_digits",
                "record_digits_variable": "v",
                "record_digits_max": 2,
                "record_digits_sound": foreign_sound,
            },
            f"record_digits_sound: sound {foreign_sound} not found",
        ),
        (TRANSFER | {"interval": foreign_interval}, f"interval: interval {foreign_interval}"),
        (
            {"action": "jump_to_context", "context": other_ctx},
            f"context: context {other_ctx} is not a context of this IVR",
        ),
        (
            {"action": "jump_to_context", "context": menu["ctx"], "context_option": "7"},
            f"context_option: context {menu['ctx']} has no option 7",
        ),
        (
            {"action": "voice_helper", "voice_helper_rules": []},
            "action: voice_helper needs speech recognition, which is not enabled for this client",
        ),
    ]
    for body, message in cases:
        answer = tenant.http.post(f"{menu['url']}/", json=body)
        assert answer.status_code == 400, (body, answer.text)
        assert answer.json()["message"].startswith(message)
    assert tenant.http.get(menu["url"]).json() == []


def test_provider_wide_sounds_and_own_intervals_are_accepted(
    tenant: Tenant, menu: dict[str, Any]
) -> None:
    shared = make_sound(tenant, "provider prompt", provider_wide=True)
    interval = make_interval(tenant)
    try:
        rule = make_rule(
            tenant,
            menu["ext"],
            menu["ctx"],
            "start",
            action="play_sound",
            sound=shared,
            sound_type="foreground",
            interval=interval,
        )
        assert (rule["sound"], rule["interval"]) == (shared, interval)
    finally:  # provider-wide sounds are visible to every tenant: leave none behind
        tenant.http.delete(f"{menu['url']}/1")
        with tenant.server.db.write() as session:
            session.execute(delete(Sound).where(Sound.id == shared))


def test_voice_helper_when_speech_is_enabled(tenant: Tenant, menu: dict[str, Any]) -> None:
    enable_speech(tenant)
    body = {
        "action": "voice_helper",
        "sound": menu["sound"],
        "voice_helper_timeout": 12000,
        "voice_helper_digits_max": 1,
        "voice_helper_final_count": 1,
        "voice_helper_classic_term": False,
        "voice_helper_rules": [{"to_option": 1, "transcription": "машина|техник"}],
    }
    rule = make_rule(tenant, menu["ext"], menu["ctx"], "start", **body)
    assert rule["voice_helper_rules"] == [{"to_option": "1", "transcription": "машина|техник"}]
    assert rule["voice_helper_classic_term"] is False
    missing = tenant.http.post(
        f"{menu['url']}/",
        json=body | {"voice_helper_rules": [{"to_option": "9", "transcription": "x"}]},
    )
    assert missing.status_code == 400
    assert missing.json()["message"] == (
        f"voice_helper_rules[0].to_option: context {menu['ctx']} has no option 9"
    )
    empty = tenant.http.post(
        f"{menu['url']}/",
        json=body | {"voice_helper_rules": [{"to_option": 1, "transcription": "a||b"}]},
    )
    assert empty.json()["message"].startswith("voice_helper_rules[0].transcription:")


def test_ids_are_per_ivr_and_never_reused(tenant: Tenant, menu: dict[str, Any]) -> None:
    ext, ctx = menu["ext"], menu["ctx"]
    assert make_rule(tenant, ext, ctx, "start", **TRANSFER)["id"] == 1
    assert make_rule(tenant, ext, ctx, "1", **TRANSFER)["id"] == 2
    assert tenant.http.delete(f"{menu['url']}/1").json()["id"] == 1
    assert make_rule(tenant, ext, ctx, "start", **TRANSFER)["id"] == 3
    other = make_ivr(tenant, "073")
    assert make_rule(tenant, other, make_context(tenant, other), "start", **TRANSFER)["id"] == 1


def test_order_position_inserts(tenant: Tenant, menu: dict[str, Any]) -> None:
    ext, ctx = menu["ext"], menu["ctx"]
    for _ in range(3):
        make_rule(tenant, ext, ctx, "start", **TRANSFER)
    make_rule(tenant, ext, ctx, "start", **TRANSFER, order_position=1)
    make_rule(tenant, ext, ctx, "start", **TRANSFER, order_position="3")
    make_rule(tenant, ext, ctx, "start", **TRANSFER, order_position=99)
    make_rule(tenant, ext, ctx, "start", **TRANSFER, order_position=0)
    expected = [7, 4, 1, 5, 2, 3, 6]
    assert [r["id"] for r in tenant.http.get(menu["url"]).json()] == expected
    assert tenant.http.get(f"{menu['url']}/order").json() == {"rules_ids": expected}
    assert "order_position" not in tenant.http.get(f"{menu['url']}/7").json()


def test_order_resource(tenant: Tenant, menu: dict[str, Any]) -> None:
    ext, ctx, url = menu["ext"], menu["ctx"], menu["url"]
    for _ in range(3):
        make_rule(tenant, ext, ctx, "start", **TRANSFER)
    make_rule(tenant, ext, ctx, "1", **TRANSFER)
    assert tenant.http.get(f"{url}/order/").json() == {"rules_ids": [1, 2, 3]}
    moved = tenant.http.put(f"{url}/order/", json={"rules_ids": [3, 1, 2]})
    assert moved.status_code == 200 and moved.json() == {"rules_ids": [3, 1, 2]}
    assert [r["id"] for r in tenant.http.get(url).json()] == [3, 1, 2]
    bad = {
        "rules_ids: every rule of option start must be listed; missing 2": [3, 1],
        "rules_ids: rule 4 is not a rule of option start": [3, 1, 2, 4],
        "rules_ids: rule 1 is listed twice": [3, 1, 1, 2],
        "rules_ids: field required": None,
    }
    for message, ids in bad.items():
        body = {} if ids is None else {"rules_ids": ids}
        answer = tenant.http.put(f"{url}/order", json=body)
        assert answer.status_code == 400 and answer.json() == {"message": message}
    assert tenant.http.get(f"{url}/order").json() == {"rules_ids": [3, 1, 2]}
    deleted = tenant.http.delete(f"{url}/1")
    assert deleted.status_code == 200
    assert tenant.http.get(f"{url}/order").json() == {"rules_ids": [3, 2]}


def test_put_replaces_the_whole_rule(tenant: Tenant, menu: dict[str, Any]) -> None:
    ext, ctx, url = menu["ext"], menu["ctx"], menu["url"]
    make_rule(tenant, ext, ctx, "start", **TRANSFER)
    rule = make_rule(
        tenant, ext, ctx, "start", **TRANSFER, final=False, name="op", transfer_timeout=15
    )
    replaced = tenant.http.put(
        f"{url}/{rule['id']}",
        json={"action": "play_sound", "sound": menu["sound"], "sound_type": "foreground"},
    )
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert (body["id"], body["action"], body["sound"], body["final"]) == (
        2,
        "play_sound",
        menu["sound"],
        True,
    )
    assert (body["transfer_dst"], body["transfer_timeout"], body["name"]) == (None, None, None)
    assert tenant.http.get(f"{url}/order").json() == {"rules_ids": [1, 2]}
    no_action = tenant.http.put(f"{url}/{rule['id']}", json={"transfer_dst": "051"})
    assert no_action.status_code == 400
    assert no_action.json() == {"message": "action: field required"}
    partial = tenant.http.put(f"{url}/{rule['id']}", json={"action": "play_sound"})
    assert partial.json() == {"message": "sound: field required"}
    assert tenant.http.get(f"{url}/{rule['id']}").json() == body


def test_rules_are_found_only_in_their_option(tenant: Tenant, menu: dict[str, Any]) -> None:
    ext, ctx = menu["ext"], menu["ctx"]
    rule = make_rule(tenant, ext, ctx, "start", **TRANSFER)
    elsewhere = rules_url(ext, ctx, "1")
    for method in ("GET", "DELETE"):
        answer = tenant.http.request(method, f"{elsewhere}/{rule['id']}")
        assert answer.status_code == 404
    assert tenant.http.put(f"{elsewhere}/{rule['id']}", json=TRANSFER).status_code == 404
    assert tenant.http.get(f"{menu['url']}/99").json() == {
        "message": "rule 99 not found in option start"
    }
    assert tenant.http.get(f"{menu['url']}/{2**40}").status_code == 404
    assert tenant.http.get(rules_url(ext, ctx, "5")).json() == {
        "message": f"option 5 not found in context {ctx}"
    }
