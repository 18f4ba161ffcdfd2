"""Call events (webhooks) of an extension over real HTTP."""

from __future__ import annotations

from .conftest import Tenant


def _ext(tenant: Tenant) -> int:
    answer = tenant.http.post("/api/ver1.0/client/@me/extension/", json={"name": "071"})
    return int(answer.json()["id"])


def test_events_crud_and_delete_all(tenant: Tenant) -> None:
    ext = _ext(tenant)
    url = f"/api/ver1.0/extension/{ext}/event"
    created = tenant.http.post(url + "/", json={"url": "http://127.0.0.1:9/hook",
                                                "event_type": "dial-in"})
    assert created.status_code == 200
    event = created.json()
    assert event == {"id": event["id"], "url": "http://127.0.0.1:9/hook", "method": "POST",
                     "event_type": "dial-in"}
    tenant.http.post(url, json={"url": "https://x.test/h", "method": "GET", "event_type": "hangup"})
    assert [e["event_type"] for e in tenant.http.get(url).json()] == ["dial-in", "hangup"]
    changed = tenant.http.put(f"{url}/{event['id']}", json={"method": "GET"})
    assert changed.json()["method"] == "GET"
    assert tenant.http.get(f"{url}/{event['id']}/").json()["method"] == "GET"
    assert tenant.http.delete(f"{url}/{event['id']}").status_code == 200
    assert len(tenant.http.delete(url + "/").json()) == 1
    assert tenant.http.get(url).json() == []


def test_event_validation_and_tenancy(tenant: Tenant, other_tenant: Tenant) -> None:
    ext = _ext(tenant)
    url = f"/api/ver1.0/extension/{ext}/event"
    bad = tenant.http.post(url, json={"url": "ftp://x", "event_type": "dial-in"})
    assert bad.status_code == 400 and bad.json()["message"].startswith("url:")
    bad = tenant.http.post(url, json={"url": "http://x", "event_type": "ring"})
    assert bad.status_code == 400 and bad.json()["message"].startswith("event_type:")
    assert other_tenant.http.get(url).status_code == 404


def test_call_api_tokens_may_manage_events(tenant: Tenant) -> None:
    ext = _ext(tenant)
    http = tenant.server.http(tenant.token_for(tenant.new_app("trusted", "call_api")))
    answer = http.post(f"/api/ver1.0/extension/{ext}/event",
                       json={"url": "http://127.0.0.1:9/h", "event_type": "hangup"})
    assert answer.status_code == 200
