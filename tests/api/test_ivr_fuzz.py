"""Random rule, context and settings bodies against a real menu: 200 or 400, never a 5xx.

Values mix the shapes clients send by mistake (wrong types, huge numbers, nulls, odd text)
with valid ones, so both the validators and the storage paths are exercised.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivrd.config.actions import ACTIONS
from ivrd.db.models import Client

from .conftest import Server, make_tenant
from .ivr_fixtures import ivr_url, make_context, make_ivr, make_option, make_sound, rules_url
from .test_ivr_seed_example import SEED_RULE

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.integers(min_value=0, max_value=5),
    st.text(max_size=30),
    st.sampled_from(["050", "1 2 3", "background", "GET", "https://x.test/", "a", "^7", "1"]),
    st.lists(
        st.fixed_dictionaries(
            {"to_option": st.text(max_size=3), "transcription": st.text(max_size=5)}
        ),
        max_size=2,
    ),
)
RULE_FIELDS = sorted((set(SEED_RULE) | {"order_position", "play_sound_from_variable"}) - {"action"})


@pytest.fixture(scope="module")
def fuzz_menu(server: Server) -> dict[str, Any]:
    owner = make_tenant(server)
    with server.db.write() as session:
        client = session.get(Client, owner.client_id)
        assert client is not None
        client.speech_enabled = True
    ext = make_ivr(owner)
    ctx = make_context(owner, ext)
    make_option(owner, ext, ctx, "1")
    return {"token": owner.token, "ext": ext, "ctx": ctx, "sound": make_sound(owner, "s")}


def _rule_bodies() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"action": st.one_of(st.sampled_from(ACTIONS), VALUES)},
        optional=dict.fromkeys(RULE_FIELDS, VALUES),
    )


FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@FUZZ
@given(body=_rule_bodies())
def test_rule_bodies_never_fail_the_server(
    server: Server, fuzz_menu: dict[str, Any], body: dict[str, Any]
) -> None:
    http = server.http(fuzz_menu["token"])
    url = rules_url(fuzz_menu["ext"], fuzz_menu["ctx"])
    created = http.post(f"{url}/", json=body)
    assert created.status_code in (200, 400), created.text
    if created.status_code == 200:
        rule = created.json()[0]
        assert set(rule) == set(SEED_RULE) | {"id", "play_sound_from_variable"}
        replaced = http.put(f"{url}/{rule['id']}", json=body)
        assert replaced.status_code == 200, replaced.text
        assert http.delete(f"{url}/{rule['id']}").status_code == 200
    server.close_clients()


@FUZZ
@given(
    body=st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(
            [
                "name",
                "timeout",
                "inter_digit_timeout",
                "allow_any_dial",
                "digit_len",
                "extra_params",
                "description",
                "entry_context",
                "lifetime",
                "lifetime_exp_action",
                "lifetime_exp_transfer_dst",
                "sleep_time",
                "vm_enabled",
                "vm_greeting",
                "vm_attach_file",
                "vm_mailto",
                "digits",
                "rules_ids",
            ],
            VALUES,
        ),
    )
)
def test_menu_bodies_never_fail_the_server(
    server: Server, fuzz_menu: dict[str, Any], body: dict[str, Any]
) -> None:
    http = server.http(fuzz_menu["token"])
    ext, ctx = fuzz_menu["ext"], fuzz_menu["ctx"]
    calls = [
        ("PUT", ivr_url(ext)),
        ("PUT", f"{ivr_url(ext)}/context/{ctx}"),
        ("POST", f"{ivr_url(ext)}/context/"),
        ("POST", f"{ivr_url(ext)}/context/{ctx}/options/"),
        ("PUT", f"{rules_url(ext, ctx, '1')}/order"),
    ]
    for method, path in calls:
        answer = http.request(method, path, json=body)
        assert answer.status_code in (200, 400, 409), (method, path, answer.text)
    server.close_clients()
