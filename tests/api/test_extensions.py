"""Extensions, phone settings and DIDs over real HTTP: shapes, naming, tenancy."""

from __future__ import annotations

import pytest

from .conftest import Server, Tenant, make_tenant

BASE = "/api/ver1.0"
FIELDS = {
    "id",
    "client_id",
    "name",
    "type",
    "status",
    "label",
    "domain",
    "create_date",
    "extension_group_id",
    "caller_id_name",
    "dial_rule_id",
    "dial_rule_limit",
    "message_did",
    "extra_params",
    "ani_rfc3325",
    "did_as_transfer_caller_id",
}


def _create(t: Tenant, **body: object) -> dict[str, object]:
    answer = t.http.post(f"{BASE}/client/@me/extension/", json=body)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_create_ivr_extension_answers_like_the_seed(tenant: Tenant) -> None:
    ext = _create(tenant, status="active", name="071", label="тестовый IVR", type="ivr")
    assert set(ext) == FIELDS
    assert ext["name"] == "000*071" and ext["type"] == "ivr" and ext["status"] == "active"
    assert ext["client_id"] == tenant.client_id and ext["ani_rfc3325"] is False
    assert isinstance(ext["id"], int)
    assert len(str(ext["create_date"])) == 19 and "T" not in str(ext["create_date"])


def test_defaults_and_full_name_accepted(tenant: Tenant) -> None:
    ext = _create(tenant, name="000*072")
    assert (ext["name"], ext["type"], ext["status"]) == ("000*072", "phone", "blocked")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("71", "name: short numbers of this client have 3 digits"),
        ("07a", "name: the short number must be digits"),
        ("999*071", "name: prefix '999' is not this client's prefix '000'"),
    ],
)
def test_bad_names(tenant: Tenant, name: str, message: str) -> None:
    answer = tenant.http.post(f"{BASE}/client/@me/extension/", json={"name": name})
    assert answer.status_code == 400
    assert answer.json() == {"message": message}


def test_bad_type_names_the_field(tenant: Tenant) -> None:
    answer = tenant.http.post(f"{BASE}/client/@me/extension/", json={"name": "100", "type": "x"})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("type:")


def test_duplicate_name_is_409(tenant: Tenant) -> None:
    _create(tenant, name="100")
    answer = tenant.http.post(f"{BASE}/client/@me/extension/", json={"name": "000*100"})
    assert answer.status_code == 409 and "already exists" in answer.json()["message"]


def test_no_renaming_and_no_type_change(tenant: Tenant) -> None:
    ext = _create(tenant, name="101")
    url = f"{BASE}/client/@me/extension/{ext['id']}"
    assert tenant.http.put(url, json={"name": "102"}).json() == {
        "message": "name: an extension cannot be renamed"
    }
    assert tenant.http.put(url, json={"type": "ivr"}).status_code == 400
    updated = tenant.http.put(url, json={"name": "101", "label": "desk", "status": "active"})
    assert updated.status_code == 200
    assert (updated.json()["label"], updated.json()["status"]) == ("desk", "active")


def test_list_filters_and_paging(tenant: Tenant) -> None:
    for name, kind in (("201", "ivr"), ("202", "phone"), ("203", "ivr")):
        _create(tenant, name=name, type=kind)
    url = f"{BASE}/client/{tenant.client_id}/extension"
    assert [e["name"] for e in tenant.http.get(url, params={"type": "ivr"}).json()] == [
        "000*201",
        "000*203",
    ]
    page2 = tenant.http.get(url + "/", params={"per_page": 2, "page": 2}).json()
    assert [e["name"] for e in page2] == ["000*203"]
    everything = tenant.http.get(url + "?type=&per_page=0&page=").json()
    assert len(everything) == 3


def test_get_by_short_name_and_delete(tenant: Tenant) -> None:
    ext = _create(tenant, name="300", type="ivr")
    got = tenant.http.get(f"{BASE}/client/@me/extension/@300")
    assert got.status_code == 200 and got.json()["id"] == ext["id"]
    deleted = tenant.http.delete(
        f"{BASE}/client/@me/extension/{ext['id']}", headers={"Content-Type": "application/json"}
    )
    assert deleted.status_code == 200
    assert tenant.http.get(f"{BASE}/client/@me/extension/{ext['id']}").status_code == 404


def test_another_clients_objects_are_404_like_missing_ones(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    ext = _create(other_tenant, name="400")
    missing = tenant.http.get(f"{BASE}/client/@me/extension/999999")
    foreign = tenant.http.get(f"{BASE}/client/@me/extension/{ext['id']}")
    foreign_client = tenant.http.get(f"{BASE}/client/{other_tenant.client_id}/extension/")
    assert missing.status_code == foreign.status_code == foreign_client.status_code == 404
    assert (
        missing.json() == foreign.json() == foreign_client.json() == {"message": "Record not found"}
    )
    assert tenant.http.put(f"{BASE}/client/@me/extension/{ext['id']}", json={}).status_code == 404
    assert tenant.http.delete(f"{BASE}/client/@me/extension/{ext['id']}").status_code == 404


def test_administrator_may_act_on_any_client(server: Server, tenant: Tenant) -> None:
    admin = make_tenant(server, admin=True)
    created = admin.http.post(f"{BASE}/client/{tenant.client_id}/extension/", json={"name": "500"})
    assert created.status_code == 200 and created.json()["client_id"] == tenant.client_id
    assert tenant.http.get(f"{BASE}/client/@me/extension/@500").status_code == 200


def test_phone_settings(tenant: Tenant) -> None:
    ext = _create(tenant, name="002", type="phone")
    url = f"{BASE}/extension/{ext['id']}/phone/"
    assert tenant.http.get(url).json()["record_enabled"] is False
    answer = tenant.http.put(
        url,
        json={
            "password": "s3cret",
            "allow_webrtc": True,
            "record_enabled": True,
            "record_transfer": False,
        },
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "extension_id": ext["id"],
        "password": "s3cret",
        "allow_webrtc": True,
        "record_enabled": True,
        "record_transfer": False,
    }
    ivr = _create(tenant, name="003", type="ivr")
    assert tenant.http.get(f"{BASE}/extension/{ivr['id']}/phone").status_code == 404


def test_dids_route_to_extensions(tenant: Tenant, other_tenant: Tenant) -> None:
    ext = _create(tenant, name="071", type="ivr")
    url = f"{BASE}/client/@me/did"
    did = tenant.http.post(url, json={"name": "+74950000001", "extension_id": ext["id"]})
    assert did.status_code == 200, did.text
    body = did.json()
    assert (body["name"], body["extension_id"], body["client_id"]) == (
        "+74950000001",
        ext["id"],
        tenant.client_id,
    )
    assert tenant.http.get(url).json()[0]["id"] == body["id"]
    assert tenant.http.get(url + "/").status_code == 200
    assert tenant.http.post(url, json={"name": "+74950000001"}).status_code == 409
    foreign_ext = _create(other_tenant, name="072")
    bad = tenant.http.put(f"{url}/{body['id']}", json={"extension_id": foreign_ext["id"]})
    assert bad.status_code == 400 and bad.json()["message"].startswith("extension_id:")
    assert other_tenant.http.get(f"{BASE}/client/@me/did/{body['id']}").status_code == 404
    cleared = tenant.http.put(f"{url}/{body['id']}", json={"extension_id": None})
    assert cleared.json()["extension_id"] is None
    assert tenant.http.delete(f"{url}/{body['id']}").status_code == 200
    assert tenant.http.get(f"{url}/{body['id']}").status_code == 404
    assert tenant.http.post(url, json={"name": "12ab"}).json()["message"].startswith("name:")


def test_errors_are_json_messages(tenant: Tenant) -> None:
    assert tenant.http.get(f"{BASE}/no/such/path").json() == {"message": "Not found"}
    wrong = tenant.http.patch(f"{BASE}/user")
    assert wrong.status_code == 405 and wrong.json() == {"message": "Method not allowed"}
    broken = tenant.http.post(
        f"{BASE}/client/@me/extension/",
        content=b'{digits": "2"}',
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 400 and broken.json()["message"].startswith("Malformed JSON")
    array = tenant.http.put(f"{BASE}/client/@me/extension/1", json=[1, 2])
    assert array.status_code in (400, 404)
    ext = _create(tenant, name="600")
    array = tenant.http.put(f"{BASE}/client/@me/extension/{ext['id']}", json=[1, 2])
    assert array.json() == {"message": "Request body must be a JSON object"}


def test_php_style_json_and_form_labelled_json(tenant: Tenant) -> None:
    body = b'{"name":"700","label":"http:\\/\\/x \\u0442\\u0435\\u0441\\u0442"}'
    answer = tenant.http.post(
        f"{BASE}/client/@me/extension/",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["label"] == "http://x тест"
