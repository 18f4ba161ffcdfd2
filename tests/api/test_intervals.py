"""Time intervals over real HTTP: validation by the engine's parser, tenancy, canonical form."""

from __future__ import annotations

import pytest

from .conftest import Tenant

URL = "/api/ver1.0/client/@me/interval"
WORK_HOURS = {"start_dow": 2, "end_dow": 6, "start_time": "09:00:00", "end_time": "18:00"}


def test_create_answers_canonical_conditions(tenant: Tenant) -> None:
    answer = tenant.http.post(
        URL + "/",
        json={
            "name": "office",
            "timezone": "Europe/Moscow",
            "conditions": [WORK_HOURS, {"month": 12}],
        },
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["name"] == "office" and body["timezone"] == "Europe/Moscow"
    first = body["conditions"][0]
    assert (first["start_time"], first["end_time"], first["start_dow"]) == (
        "09:00:00",
        "18:00:00",
        2,
    )
    assert first["month"] is None and body["conditions"][1]["month"] == 12
    got = tenant.http.get(f"{URL}/{body['id']}").json()
    assert got == body


def test_timezone_defaults_to_the_clients(tenant: Tenant) -> None:
    body = tenant.http.post(URL, json={"name": "x", "conditions": [{"month": 1}]}).json()
    assert body["timezone"] == "Europe/Moscow"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {"name": "x", "timezone": "Mars/Olympus", "conditions": []},
            "timezone: unknown IANA time zone 'Mars/Olympus'",
        ),
        (
            {"name": "x", "conditions": [{"start_time": "09:00:00"}]},
            "conditions[0].end_time: required when start_time is set",
        ),
        ({"name": "x", "conditions": [{"month": 13}]}, "conditions[0].month: "),
        (
            {"name": "x", "conditions": [{"start_time": "18:00:00", "end_time": "09:00:00"}]},
            "conditions[0]",
        ),
        ({"name": "x", "conditions": [{"bogus": 1}]}, "conditions[0].bogus: unknown field"),
        ({"conditions": []}, "name: field required"),
    ],
)
def test_validation_errors_name_the_field(
    tenant: Tenant, payload: dict[str, object], message: str
) -> None:
    answer = tenant.http.post(URL, json=payload)
    assert answer.status_code == 400
    assert answer.json()["message"].startswith(message), answer.json()


def test_update_list_delete_and_isolation(tenant: Tenant, other_tenant: Tenant) -> None:
    created = tenant.http.post(URL, json={"name": "a", "conditions": [{"month": 1}]}).json()
    item = f"{URL}/{created['id']}"
    updated = tenant.http.put(item, json={"name": "b", "conditions": [{"month": 2}]}).json()
    assert (updated["name"], updated["conditions"][0]["month"]) == ("b", 2)
    assert [i["id"] for i in tenant.http.get(URL).json()] == [created["id"]]
    assert other_tenant.http.get(item).status_code == 404
    assert other_tenant.http.delete(item).status_code == 404
    assert tenant.http.delete(item).status_code == 200
    assert tenant.http.get(item).status_code == 404


def test_changing_an_interval_renews_the_menus_that_test_it(tenant: Tenant) -> None:
    from .ivr_fixtures import ivr_url, make_context, make_interval, make_ivr, make_rule

    interval = make_interval(tenant)
    ext = make_ivr(tenant)
    context = make_context(tenant, ext)
    make_rule(tenant, ext, context, "start", action="hangup", interval=interval)
    before = tenant.http.get(ivr_url(ext)).json()["version"]
    tenant.http.put(f"{URL}/{interval}", json={"conditions": [{"month": 3}]})
    assert tenant.http.get(ivr_url(ext)).json()["version"] == before + 1
