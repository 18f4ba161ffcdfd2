"""The seed's worked example, all eleven steps over real HTTP, against the answers it shows."""

from __future__ import annotations

from typing import Any

from .conftest import Tenant
from .ivr_fixtures import BASE, make_sound

# The rule answer of the seed's steps 5-10 with every parameter unset; each step sets a few.
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
    "sound": None,
    "sound_type": None,
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
    "action": None,
    "set_variable_value": None,
    "call_interactive_timeout": None,
    "record_digits_sound": None,
}
# Documented in the rule table, absent from the example's answers; ivrd answers it too.
EXTRA_RULE_FIELDS = {"play_sound_from_variable": False}


def seed_rule(rule_id: int, **fields: Any) -> dict[str, Any]:
    return SEED_RULE | EXTRA_RULE_FIELDS | {"id": rule_id} | fields


def _post(t: Tenant, path: str, body: object) -> Any:
    answer = t.http.post(f"{BASE}{path}", json=body)
    assert answer.status_code == 200, (path, answer.text)
    return answer.json()


def test_seed_worked_example(tenant: Tenant) -> None:
    # 1. the two sounds (inserted directly until the sound API lands)
    hello = make_sound(tenant, "мой файл приветствия", "hello.wav")
    advertising = make_sound(tenant, "мой файл рекламы", "advertising.wav")
    # 2. the IVR extension
    ext = _post(
        tenant,
        "/client/@me/extension/",
        {"status": "active", "name": "071", "label": "тестовый IVR", "type": "ivr"},
    )
    assert (ext["name"], ext["type"]) == ("000*071", "ivr")
    ivr = f"/extension/{ext['id']}/ivr"
    # 3. the main context
    context = _post(
        tenant,
        f"{ivr}/context/",
        {
            "digit_len": 3,
            "allow_any_dial": True,
            "inter_digit_timeout": 2000,
            "name": "Основной контекст",
            "timeout": 5000,
        },
    )
    assert context == {
        "name": "Основной контекст",
        "inter_digit_timeout": 2000,
        "timeout": 5000,
        "extra_params": None,
        "allow_any_dial": True,
        "id": context["id"],
        "digit_len": 3,
        "description": None,
    }
    ctx = f"{ivr}/context/{context['id']}"
    # 4. entry context and sleep time
    settings = tenant.http.put(
        f"{BASE}{ivr}/", json={"sleep_time": 5000, "entry_context": context["id"]}
    )
    assert settings.status_code == 200, settings.text
    assert settings.json() == {
        "lifetime_exp_action": "hangup",
        "entry_context": context["id"],
        "lifetime_exp_transfer_dst": None,
        "vm_enabled": False,
        "vm_greeting": None,
        "lifetime": 1800,
        "vm_attach_file": True,
        "sleep_time": 5000,
        "vm_mailto": None,
        "version": settings.json()["version"],
    }
    # 5, 6. the two start rules
    first = {"sound": advertising, "sound_type": "foreground", "action": "play_sound"}
    assert _post(tenant, f"{ctx}/options/start/rules/", first) == [seed_rule(1, **first)]
    second = {"sound": hello, "sound_type": "background", "action": "play_sound"}
    assert _post(tenant, f"{ctx}/options/start/rules/", second) == [seed_rule(2, **second)]
    # 7, 8. option "1" and its transfer (the source's number, one digit short, kept as sent)
    assert _post(tenant, f"{ctx}/options/", {"digits": "1"}) == {"digits": "1"}
    one = {"transfer_dst": "+7987654321", "action": "transfer"}
    assert _post(tenant, f"{ctx}/options/1/rules/", one) == [seed_rule(3, **one)]
    # 9. option "2" and its transfer
    assert _post(tenant, f"{ctx}/options/", {"digits": "2"}) == {"digits": "2"}
    two = {"transfer_dst": "002", "action": "transfer"}
    assert _post(tenant, f"{ctx}/options/2/rules/", two) == [seed_rule(4, **two)]
    # 10. the timeout rule, through the legacy path the source uses
    legacy = f"/ivr/{ext['id']}/context/{context['id']}/options/timeout/rules/"
    timeout = {"transfer_dst": "050", "action": "transfer"}
    assert _post(tenant, legacy, timeout) == [seed_rule(5, **timeout)]
    # 11. the options of the context
    options = tenant.http.get(f"{BASE}{ctx}/options/")
    assert options.status_code == 200
    assert options.json() == [
        {"digits": "start"},
        {"digits": "timeout"},
        {"digits": "invalid"},
        {"digits": "2"},
        {"digits": "1"},
    ]
    # and the menu reads back as built
    start = tenant.http.get(f"{BASE}{ctx}/options/start/rules").json()
    assert [r["id"] for r in start] == [1, 2]
    assert tenant.http.get(f"{BASE}{ctx}/options/timeout/rules/5").json() == seed_rule(5, **timeout)
