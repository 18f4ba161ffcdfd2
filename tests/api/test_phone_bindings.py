"""Registrations and the registrar's nonce key in the database every node shares (SQLite and
PostgreSQL): what one node stores, another finds (runtime/bindings.py)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from ivrd.runtime.bindings import BindingStore

from .conftest import Server, Tenant

BASE = "/api/ver1.0"


def _phone(t: Tenant, name: str) -> int:
    answer = t.http.post(
        f"{BASE}/client/@me/extension/", json={"name": name, "type": "phone", "status": "active"}
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def test_every_node_gets_the_same_nonce_key_even_when_they_ask_at_once(server: Server) -> None:
    stores = [BindingStore(server.db) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        keys = list(pool.map(lambda store: store.nonce_key(), stores))
    assert len(set(keys)) == 1 and len(keys[0]) == 32


def test_a_binding_is_found_by_client_and_short_number_until_it_expires(
    server: Server, tenant: Tenant, other_tenant: Tenant
) -> None:
    ext = _phone(tenant, "201")
    node_a, node_b = BindingStore(server.db), BindingStore(server.db)
    node_a.save(ext, "sip:phone@10.0.0.5:5062", ("203.0.113.7", 40000), 300, "127.0.0.1:5071")
    found = node_b.find(tenant.client_id, "201")
    assert found is not None
    assert (found.contact, found.source) == ("sip:phone@10.0.0.5:5062", ("203.0.113.7", 40000))
    assert 298 <= found.expires_in <= 300
    assert node_b.find(other_tenant.client_id, "201") is None  # another client's 201
    node_b.save(ext, "sip:phone@10.0.0.6:5062", ("203.0.113.8", 40002), 1, "127.0.0.1:5072")
    again = node_a.find(tenant.client_id, "201")
    assert again is not None and again.contact == "sip:phone@10.0.0.6:5062"  # the latest wins
    time.sleep(2.1)
    assert node_a.find(tenant.client_id, "201") is None  # expired
    node_a.save(ext, "sip:phone@10.0.0.5:5062", ("203.0.113.7", 40000), 300, "127.0.0.1:5071")
    node_b.remove(ext)
    assert node_a.find(tenant.client_id, "201") is None


def test_deleting_the_extension_deletes_its_binding(server: Server, tenant: Tenant) -> None:
    ext = _phone(tenant, "202")
    store = BindingStore(server.db)
    store.save(ext, "sip:phone@10.0.0.5", ("203.0.113.7", 5060), 300, "node")
    assert tenant.http.delete(f"{BASE}/client/@me/extension/{ext}").status_code in (200, 204)
    assert store.find(tenant.client_id, "202") is None
