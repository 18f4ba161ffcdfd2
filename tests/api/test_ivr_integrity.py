"""Menu integrity: 409 on deleting what is referred to, tenancy, access level, concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ivrd.config.references import conflict_message, interval_referrers, sound_referrers

from .conftest import Tenant
from .ivr_fixtures import (
    BASE,
    enable_speech,
    ivr_url,
    make_context,
    make_interval,
    make_ivr,
    make_option,
    make_rule,
    make_sound,
    options_url,
    rules_url,
)

TRANSFER = {"action": "transfer", "transfer_dst": "050"}


def test_deleting_a_referred_context_is_409(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    main, other = make_context(tenant, ext, "main"), make_context(tenant, ext, "other")
    tenant.http.put(ivr_url(ext), json={"entry_context": other})
    jump = make_rule(tenant, ext, main, "start", action="jump_to_context", context=other)
    make_rule(tenant, ext, other, "start", action="jump_to_context", context=other)
    answer = tenant.http.delete(f"{ivr_url(ext)}/context/{other}")
    assert answer.status_code == 409
    assert answer.json() == {
        "message": f"context {other} is the entry_context of IVR {ext} "
        f"and the target of rule {jump['id']}"
    }
    tenant.http.put(ivr_url(ext), json={"entry_context": main})
    tenant.http.delete(f"{rules_url(ext, main)}/{jump['id']}")
    assert tenant.http.delete(f"{ivr_url(ext)}/context/{other}").status_code == 200
    assert tenant.http.get(options_url(ext, other)).status_code == 404
    assert tenant.http.delete(f"{ivr_url(ext)}/context/{main}").status_code == 409


def test_deleting_a_referred_option_is_409(tenant: Tenant) -> None:
    enable_speech(tenant)
    ext = make_ivr(tenant)
    main, other = make_context(tenant, ext, "main"), make_context(tenant, ext, "other")
    make_option(tenant, ext, main, "2")
    jump = make_rule(
        tenant, ext, other, "start", action="jump_to_context", context=main, context_option="2"
    )
    helper = make_rule(
        tenant,
        ext,
        main,
        "start",
        action="voice_helper",
        voice_helper_rules=[{"to_option": "2", "transcription": "оператор"}],
    )
    make_rule(tenant, ext, main, "2", action="jump_to_context", context=main, context_option="2")
    answer = tenant.http.delete(f"{options_url(ext, main)}/2")
    assert answer.status_code == 409
    assert answer.json() == {
        "message": f"option 2 of context {main} is the target of rule {jump['id']} "
        f"and the to_option of rule {helper['id']}"
    }
    tenant.http.delete(f"{rules_url(ext, other)}/{jump['id']}")
    tenant.http.delete(f"{rules_url(ext, main)}/{helper['id']}")
    assert tenant.http.delete(f"{options_url(ext, main)}/2").status_code == 200
    assert tenant.http.get(rules_url(ext, main, "2")).status_code == 404


def test_sound_and_interval_referrers(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    ctx = make_context(tenant, ext)
    sound, free_sound, interval = (
        make_sound(tenant, "a"),
        make_sound(tenant, "b"),
        make_interval(tenant),
    )
    played = make_rule(
        tenant, ext, ctx, "start", action="play_sound", sound=sound, sound_type="background"
    )
    recorded = make_rule(
        tenant,
        ext,
        ctx,
        "start",
        action="record_digits",
        record_digits_variable="v",
        record_digits_max=3,
        record_digits_sound=sound,
        interval=interval,
    )
    tenant.http.put(ivr_url(ext), json={"vm_greeting": sound})
    with tenant.server.db.read() as session:
        sounds = sound_referrers(session, sound)
        intervals = interval_referrers(session, interval)
        assert sound_referrers(session, free_sound) == []
    assert sounds == [
        f"the sound of rule {played['id']} in IVR {ext}",
        f"the record_digits_sound of rule {recorded['id']} in IVR {ext}",
        f"the vm_greeting of IVR {ext}",
    ]
    assert intervals == [f"the interval of rule {recorded['id']} in IVR {ext}"]
    assert conflict_message(f"interval {interval}", intervals) == (
        f"interval {interval} is the interval of rule {recorded['id']} in IVR {ext}"
    )


def test_deleting_the_extension_deletes_its_menu(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    ctx = make_context(tenant, ext)
    make_option(tenant, ext, ctx, "1")
    sound = make_sound(tenant, "s")
    make_rule(tenant, ext, ctx, "1", action="play_sound", sound=sound, sound_type="background")
    assert tenant.http.delete(f"{BASE}/client/@me/extension/{ext}").status_code == 200
    with tenant.server.db.read() as session:
        assert sound_referrers(session, sound) == []
    assert tenant.http.get(ivr_url(ext)).status_code == 404


def test_other_clients_menus_are_404(tenant: Tenant, other_tenant: Tenant) -> None:
    ext = make_ivr(other_tenant)
    ctx = make_context(other_tenant, ext)
    rule = make_rule(other_tenant, ext, ctx, "start", **TRANSFER)
    paths = [
        ivr_url(ext),
        f"{ivr_url(ext)}/context",
        f"{ivr_url(ext)}/context/{ctx}",
        options_url(ext, ctx),
        rules_url(ext, ctx),
        f"{rules_url(ext, ctx)}/order",
        f"{rules_url(ext, ctx)}/{rule['id']}",
        f"{BASE}/ivr/{ext}/context/{ctx}/options/start/rules",
    ]
    for path in paths:
        answer = tenant.http.get(path)
        assert (answer.status_code, answer.json()) == (404, {"message": "Record not found"}), path
    assert tenant.http.post(f"{rules_url(ext, ctx)}/", json=TRANSFER).status_code == 404
    assert tenant.http.delete(f"{ivr_url(ext)}/context/{ctx}").status_code == 404
    own = make_ivr(tenant)
    # their context under our IVR is as unknown as a missing one
    assert tenant.http.get(f"{ivr_url(own)}/context/{ctx}").status_code == 404
    assert tenant.http.get(f"{ivr_url(own)}/context/{2**40}").status_code == 404
    assert tenant.http.get(ivr_url(2**40)).status_code == 404
    assert other_tenant.http.get(f"{rules_url(ext, ctx)}/{rule['id']}").status_code == 200


def test_call_api_tokens_may_read_but_not_change(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    ctx = make_context(tenant, ext)
    make_rule(tenant, ext, ctx, "start", **TRANSFER)
    reader = tenant.server.http(tenant.token_for(tenant.new_app(access="call_api")))
    assert reader.get(rules_url(ext, ctx)).status_code == 200
    assert reader.get(f"{rules_url(ext, ctx)}/order").status_code == 200
    changes = [
        ("PUT", ivr_url(ext), {"sleep_time": 1}),
        ("POST", f"{ivr_url(ext)}/context/", {"name": "x"}),
        ("PUT", f"{ivr_url(ext)}/context/{ctx}", {"name": "x"}),
        ("DELETE", f"{ivr_url(ext)}/context/{ctx}", None),
        ("POST", options_url(ext, ctx), {"digits": "1"}),
        ("DELETE", f"{options_url(ext, ctx)}/1", None),
        ("POST", rules_url(ext, ctx), TRANSFER),
        ("PUT", f"{rules_url(ext, ctx)}/1", TRANSFER),
        ("PUT", f"{rules_url(ext, ctx)}/order", {"rules_ids": [1]}),
        ("DELETE", f"{rules_url(ext, ctx)}/1", None),
    ]
    for method, path, body in changes:
        answer = reader.request(method, path, json=body)
        assert answer.status_code == 403, (method, path, answer.text)
    assert tenant.http.get(ivr_url(ext)).json()["version"] == 3


def _parallel(calls: list[Any]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_concurrent_writes_keep_ids_and_order_whole(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    ctx = make_context(tenant, ext)
    make_option(tenant, ext, ctx, "1")
    before = tenant.http.get(ivr_url(ext)).json()["version"]
    url = rules_url(ext, ctx)
    http = [tenant.server.http(tenant.token) for _ in range(8)]

    def create(i: int) -> Any:
        body = TRANSFER | ({"order_position": 1} if i % 3 == 0 else {})
        path = url if i % 2 else rules_url(ext, ctx, "1")
        return lambda: http[i % 8].post(f"{path}/", json=body)

    answers = _parallel([create(i) for i in range(40)])
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    ids = sorted(a.json()[0]["id"] for a in answers)
    assert ids == list(range(1, 41))
    start = tenant.http.get(f"{url}/order").json()["rules_ids"]
    one = tenant.http.get(f"{rules_url(ext, ctx, '1')}/order").json()["rules_ids"]
    assert sorted(start + one) == ids and len(start) == 20
    # reorders racing with deletions never lose or duplicate a rule
    deletions = [lambda r=r: http[r % 8].delete(f"{url}/{r}") for r in start[:5]]
    reorders = [
        lambda: http[0].put(f"{url}/order", json={"rules_ids": list(reversed(start))})
        for _ in range(3)
    ]
    results = _parallel(deletions + reorders)
    assert all(a.status_code in (200, 400) for a in results)
    remaining = tenant.http.get(f"{url}/order").json()["rules_ids"]
    assert sorted(remaining) == sorted(start[5:])
    positions = [r["id"] for r in tenant.http.get(url).json()]
    assert positions == remaining
    changes = 40 + sum(a.status_code == 200 for a in results)
    assert tenant.http.get(ivr_url(ext)).json()["version"] == before + changes


def test_sound_and_interval_deletes_answer_409_while_used(tenant: Tenant) -> None:
    ext = make_ivr(tenant)
    ctx = make_context(tenant, ext)
    sound, interval = make_sound(tenant, "prompt"), make_interval(tenant)
    rule = make_rule(
        tenant,
        ext,
        ctx,
        "start",
        action="play_sound",
        sound=sound,
        sound_type="background",
        interval=interval,
    )
    used_sound = tenant.http.delete(f"{BASE}/client/@me/sound/{sound}")
    assert used_sound.status_code == 409
    assert f"the sound of rule {rule['id']} in IVR {ext}" in used_sound.json()["message"]
    used_interval = tenant.http.delete(f"{BASE}/client/@me/interval/{interval}")
    assert used_interval.status_code == 409
    assert f"the interval of rule {rule['id']} in IVR {ext}" in used_interval.json()["message"]
    tenant.http.delete(f"{rules_url(ext, ctx)}/{rule['id']}")
    assert tenant.http.delete(f"{BASE}/client/@me/sound/{sound}").status_code == 200
    assert tenant.http.delete(f"{BASE}/client/@me/interval/{interval}").status_code == 200
