"""Click-to-call's API half over real HTTP: validation, tenancy, access, and what a process
that runs no SIP node does: queue the call when a node is up, else 503 (the calls
themselves: tests/runtime/test_callback.py and test_dispatcher.py)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import delete

from ivrd.config.callback import queue
from ivrd.db import models
from ivrd.timeutil import utcnow

from .conftest import Server, Tenant

BASE = "/api/ver1.0"


def _extension(t: Tenant, name: str, status: str = "active") -> int:
    answer = t.http.post(f"{BASE}/client/@me/extension/", json={"name": name, "status": status})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def test_without_a_sip_node_the_call_is_refused_with_503_not_accepted(tenant: Tenant) -> None:
    ext = _extension(tenant, "101")
    answer = tenant.http.post(
        f"{BASE}/extension/{ext}/callback/", json={"src_num": ["101"], "dst_num": "+79001234567"}
    )
    assert answer.status_code == 503
    assert "SIP node" in answer.json()["message"] and "--no-sip" in answer.json()["message"]


def test_call_api_tokens_may_place_calls(tenant: Tenant) -> None:
    ext = _extension(tenant, "102")
    caller = tenant.server.http(tenant.token_for(tenant.new_app(access="call_api")))
    answer = caller.post(f"{BASE}/extension/@102/callback", json={"src_num": "102", "dst_num": "5"})
    assert answer.status_code == 503  # got past the access check (403) and validation (400)
    assert ext > 0


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"dst_num": "123"}, "src_num", "required"),
        ({"src_num": [], "dst_num": "123"}, "src_num", "at least 1"),
        ({"src_num": ["1"] * 11, "dst_num": "123"}, "src_num", "at most 10"),
        ({"src_num": ["12a"], "dst_num": "123"}, "src_num", "is not a number"),
        ({"src_num": ["${x}"], "dst_num": "123"}, "src_num", "is not a number"),
        ({"src_num": ["101"]}, "dst_num", "required"),
        ({"src_num": ["101"], "dst_num": "1" * 33}, "dst_num", "at most 32"),
        ({"src_num": ["101"], "dst_num": "5", "caller_id_name": "a\r\nVia: x"}, "caller_id_name",
         "pattern"),
        ({"src_num": ["101"], "dst_num": "5", "caller_id_number": "abc"}, "caller_id_number",
         "is not a number"),
    ],
)  # fmt: skip
def test_bad_requests_name_the_field(
    tenant: Tenant, body: dict[str, object], field: str, words: str
) -> None:
    ext = _extension(tenant, "103")
    answer = tenant.http.post(f"{BASE}/extension/{ext}/callback/", json=body)
    assert answer.status_code == 400, answer.text
    message = answer.json()["message"]
    assert message.startswith(field) and words in message, message


def test_numbers_may_come_as_a_string_and_unknown_fields_are_ignored(tenant: Tenant) -> None:
    ext = _extension(tenant, "104")
    answer = tenant.http.post(
        f"{BASE}/extension/{ext}/callback/",
        json={"src_num": "101, 102 +7900", "dst_num": " 5 ", "record": True, "extra": {"a": 1}},
    )
    assert answer.status_code == 503, answer.text  # valid: three sources, a trimmed destination


def test_other_clients_extensions_and_blocked_ones(tenant: Tenant, other_tenant: Tenant) -> None:
    theirs = _extension(other_tenant, "105")
    body = {"src_num": ["101"], "dst_num": "5"}
    answer = tenant.http.post(f"{BASE}/extension/{theirs}/callback/", json=body)
    assert answer.status_code == 404 and answer.json() == {"message": "Record not found"}
    blocked = _extension(tenant, "106", status="blocked")
    answer = tenant.http.post(f"{BASE}/extension/{blocked}/callback/", json=body)
    assert answer.status_code == 403
    assert answer.json() == {"message": "extension 000*106 is blocked"}


@pytest.fixture
def a_node_is_up(server: Server) -> Iterator[None]:
    """A SIP node's heartbeat in the shared database (as ``ivrd sip`` writes every 2 s)."""
    queue.heartbeat(server.db, "test node")
    yield
    with server.db.write() as session:
        session.execute(delete(models.SipNodeSeen))


@pytest.mark.usefixtures("a_node_is_up")
def test_with_a_node_up_the_call_is_queued_for_it_and_claimed_once(
    server: Server, tenant: Tenant
) -> None:
    ext = _extension(tenant, "107")
    answer = tenant.http.post(
        f"{BASE}/extension/{ext}/callback/",
        json={"src_num": "107 108", "dst_num": "+79001234567", "caller_id_name": "Shop"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["call_api_id"] == f"{ext}:{body['call_id']}"
    with ThreadPoolExecutor(3) as pool:  # three nodes poll at once: one gets it
        claims = list(pool.map(lambda n: queue.take(server.db, f"node {n}"), range(3)))
    taken = [order for claim in claims for order in claim]
    assert [(o.call_id, o.sources, o.destination, o.caller_id_name) for o in taken] == [
        (body["call_id"], ("107", "108"), "+79001234567", "Shop")
    ]
    assert queue.take(server.db, "node 9") == []


def test_a_node_silent_for_too_long_counts_as_down(server: Server, tenant: Tenant) -> None:
    ext = _extension(tenant, "109")
    with server.db.write() as session:
        session.add(models.SipNodeSeen(name="old node", seen_at=utcnow() - timedelta(seconds=60)))
    try:
        answer = tenant.http.post(
            f"{BASE}/extension/{ext}/callback/", json={"src_num": "109", "dst_num": "5"}
        )
        assert answer.status_code == 503
    finally:
        with server.db.write() as session:
            session.execute(delete(models.SipNodeSeen))


def test_a_body_of_the_wrong_shape_is_a_400(tenant: Tenant) -> None:
    ext = _extension(tenant, "110")
    for body in ([{"src_num": "1", "dst_num": "2"}], "101", None):
        answer = tenant.http.post(f"{BASE}/extension/{ext}/callback/", json=body)
        assert answer.status_code == 400, (body, answer.text)
        assert answer.json()["message"]
