"""IVR settings, contexts and options over real HTTP: shapes, defaults, validation, version."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Server, Tenant, make_tenant
from .ivr_fixtures import (
    BASE,
    ivr_url,
    make_context,
    make_ivr,
    make_option,
    make_sound,
    options_url,
)


@pytest.fixture(scope="module")
def shared(server: Server) -> dict[str, Any]:
    """One menu for the refusal tables: a refused request changes nothing, so tests may share."""
    owner = make_tenant(server)
    ext = make_ivr(owner)
    ctx = make_context(owner, ext)
    make_option(owner, ext, ctx, "2")
    settings = owner.http.get(ivr_url(ext)).json()
    return {"token": owner.token, "ext": ext, "ctx": ctx, "settings": settings}


def test_settings_of_a_new_ivr_are_the_seeds(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    answer = tenant.http.get(ivr_url(ext) + "/")
    assert answer.status_code == 200
    assert answer.json() == {
        "entry_context": None,
        "lifetime": 1800,
        "lifetime_exp_action": "hangup",
        "lifetime_exp_transfer_dst": None,
        "sleep_time": 0,
        "vm_enabled": False,
        "vm_greeting": None,
        "vm_attach_file": True,
        "vm_mailto": None,
        "version": 1,
    }
    assert tenant.http.get(f"{BASE}/extension/@071/ivr").json()["lifetime"] == 1800
    assert tenant.http.get(f"{BASE}/ivr/{ext}").json()["lifetime"] == 1800


def test_settings_update_is_partial_and_bumps_version(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    greeting = make_sound(tenant, "vm")
    first = tenant.http.put(
        ivr_url(ext),
        json={
            "lifetime": 600,
            "lifetime_exp_action": "transfer",
            "lifetime_exp_transfer_dst": "050",
            "vm_enabled": True,
            "vm_greeting": greeting,
            "vm_mailto": "a@example.test, b@example.test",
        },
    ).json()
    assert (first["lifetime"], first["lifetime_exp_action"], first["vm_greeting"]) == (
        600,
        "transfer",
        greeting,
    )
    assert first["version"] == 2
    second = tenant.http.put(
        ivr_url(ext), json={"sleep_time": 300, "vm_greeting": 0, "lifetime": None}
    ).json()
    assert (second["sleep_time"], second["lifetime"], second["vm_greeting"]) == (300, 600, None)
    assert (second["vm_mailto"], second["version"]) == ("a@example.test, b@example.test", 3)
    cleared = tenant.http.put(ivr_url(ext), json={"vm_mailto": "", "lifetime_exp_action": "hangup"})
    assert cleared.json()["vm_mailto"] is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"lifetime": -1}, "lifetime: Input should be greater than or equal to 0"),
        ({"sleep_time": "soon"}, "sleep_time: Input should be a valid integer"),
        ({"lifetime_exp_action": "jump"}, "lifetime_exp_action: Input should be 'transfer' or"),
        (
            {"lifetime_exp_action": "transfer"},
            "lifetime_exp_transfer_dst: required when lifetime_exp_action is transfer",
        ),
        ({"lifetime_exp_transfer_dst": "abc"}, "lifetime_exp_transfer_dst: 'abc' is not a number"),
        ({"vm_mailto": "a@example.test, nobody"}, "vm_mailto: 'nobody' is not an e-mail address"),
        ({"vm_enabled": "maybe"}, "vm_enabled: Input should be a valid boolean"),
        ({"vm_greeting": 999999}, "vm_greeting: sound 999999 not found"),
        ({"entry_context": 999999}, "entry_context: context 999999 is not a context of this IVR"),
    ],
)
def test_settings_validation(
    server: Server, shared: dict[str, Any], body: dict[str, object], message: str
) -> None:
    http = server.http(shared["token"])
    answer = http.put(ivr_url(shared["ext"]), json=body)
    assert answer.status_code == 400
    assert answer.json()["message"].startswith(message), answer.json()
    assert http.get(ivr_url(shared["ext"])).json() == shared["settings"]


def test_settings_body_must_be_an_object(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    answer = tenant.http.put(ivr_url(ext), json=[{"sleep_time": 1}])
    assert answer.status_code == 400
    assert answer.json() == {"message": "Request body must be a JSON object"}


def test_other_extension_types_are_not_ivrs(tenant: Tenant) -> None:
    phone = tenant.http.post(f"{BASE}/client/@me/extension/", json={"name": "100"}).json()
    for path in (ivr_url(phone["id"]), f"{ivr_url(phone['id'])}/context"):
        answer = tenant.http.get(path)
        assert answer.status_code == 404
        assert answer.json() == {"message": "extension 000*100 is not an IVR"}


def test_contexts(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    url = f"{ivr_url(ext)}/context"
    created = tenant.http.post(url + "/", json={"name": "main"}).json()
    assert created == {
        "id": created["id"],
        "name": "main",
        "timeout": 0,
        "inter_digit_timeout": 0,
        "allow_any_dial": True,
        "digit_len": 0,
        "extra_params": None,
        "description": None,
    }
    second = make_context(tenant, ext, "night", description="after hours", timeout=None)
    assert [c["name"] for c in tenant.http.get(url).json()] == ["main", "night"]
    updated = tenant.http.put(f"{url}/{second}", json={"digit_len": 3, "allow_any_dial": False})
    assert updated.status_code == 200
    body = updated.json()
    assert (body["name"], body["digit_len"], body["allow_any_dial"]) == ("night", 3, False)
    assert body["description"] == "after hours"
    assert tenant.http.get(f"{url}/{second}").json() == body
    assert tenant.http.get(ivr_url(ext)).json()["version"] == 4
    deleted = tenant.http.delete(f"{url}/{second}")
    assert deleted.status_code == 200 and deleted.json() == body
    assert tenant.http.get(f"{url}/{second}").json() == {"message": f"context {second} not found"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "name: field required"),
        ({"name": ""}, "name: String should have at least 1 character"),
        ({"name": "x", "timeout": -1}, "timeout: Input should be greater than or equal to 0"),
        ({"name": "x", "inter_digit_timeout": -5}, "inter_digit_timeout: Input should be greater"),
        ({"name": "x", "digit_len": -1}, "digit_len: Input should be greater than or equal to 0"),
        ({"name": "x", "digit_len": 51}, "digit_len: Input should be less than or equal to 50"),
        ({"name": "x", "allow_any_dial": "perhaps"}, "allow_any_dial: Input should be a valid"),
    ],
)
def test_context_validation(
    server: Server, shared: dict[str, Any], body: dict[str, object], message: str
) -> None:
    http = server.http(shared["token"])
    answer = http.post(f"{ivr_url(shared['ext'])}/context/", json=body)
    assert answer.status_code == 400
    assert answer.json()["message"].startswith(message), answer.json()
    assert [c["id"] for c in http.get(f"{ivr_url(shared['ext'])}/context/").json()] == [
        shared["ctx"]
    ]


def test_options_builtin_first_and_undeletable(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    ctx = make_context(tenant, ext)
    url = options_url(ext, ctx)
    assert tenant.http.get(url).json() == [
        {"digits": "start"},
        {"digits": "timeout"},
        {"digits": "invalid"},
    ]
    for digits in ("5", "*0#", "100"):
        make_option(tenant, ext, ctx, digits)
    assert [o["digits"] for o in tenant.http.get(url + "/").json()] == [
        "start",
        "timeout",
        "invalid",
        "100",
        "*0#",
        "5",
    ]
    for builtin in ("start", "timeout", "invalid"):
        answer = tenant.http.delete(f"{url}/{builtin}")
        assert answer.status_code == 400
        assert answer.json() == {
            "message": f"option_digits: the built-in option {builtin} cannot be deleted"
        }
    gone = tenant.http.delete(f"{url}/%2A0%23")
    assert gone.status_code == 200 and gone.json() == {"digits": "*0#"}
    assert tenant.http.delete(f"{url}/7").status_code == 404
    assert [o["digits"] for o in tenant.http.get(url).json()][3:] == ["100", "5"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({}, 400, "digits: field required"),
        ({"digits": ""}, 400, "digits: String should have at least 1 character"),
        ({"digits": "1a"}, 400, "digits: must be made of the characters 0-9, * and #"),
        ({"digits": "start"}, 400, "digits: must be made of the characters 0-9, * and #"),
        ({"digits": "1" * 51}, 400, "digits: String should have at most 50 characters"),
        ({"digits": "2"}, 409, "digits: option 2 already exists in context"),
    ],
)
def test_option_validation(
    server: Server, shared: dict[str, Any], body: dict[str, object], status: int, message: str
) -> None:
    http = server.http(shared["token"])
    answer = http.post(options_url(shared["ext"], shared["ctx"]), json=body)
    assert answer.status_code == status
    assert answer.json()["message"].startswith(message), answer.json()
    assert http.get(ivr_url(shared["ext"])).json() == shared["settings"]


def test_option_digits_as_a_number_and_the_seeds_broken_json(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    ctx = make_context(tenant, ext)
    answer = tenant.http.post(options_url(ext, ctx), json={"digits": 3})
    assert answer.status_code == 200 and answer.json() == {"digits": "3"}
    broken = tenant.http.post(
        options_url(ext, ctx),
        content=b'{digits": "2"}',
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 400 and broken.json()["message"].startswith("Malformed JSON")


def test_settings_references_belong_to_the_client_and_ivr(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    ext, sibling = make_ivr(tenant, "071"), make_ivr(tenant, "072")
    sibling_ctx = make_context(tenant, sibling)
    theirs = make_sound(other_tenant, "their greeting")
    wrong_context = tenant.http.put(ivr_url(ext), json={"entry_context": sibling_ctx})
    assert wrong_context.status_code == 400
    assert wrong_context.json() == {
        "message": f"entry_context: context {sibling_ctx} is not a context of this IVR"
    }
    wrong_sound = tenant.http.put(ivr_url(ext), json={"vm_greeting": theirs})
    assert wrong_sound.json() == {"message": f"vm_greeting: sound {theirs} not found"}
    own = make_sound(tenant, "greeting")
    assert tenant.http.put(ivr_url(ext), json={"vm_greeting": own}).json()["vm_greeting"] == own
