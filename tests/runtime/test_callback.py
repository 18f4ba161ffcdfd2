"""Click-to-call for real: a phone registered at ivrd rings first, then the number called
(a sipp UAS standing in for the outbound proxy), and the two are connected."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

from .conftest import Node
from .sipp import callee, free_udp_port, start_sipp
from .test_registrar import phone_extension, register

BASE = "/api/ver1.0"


def phone(node: Node, tmp_path: Path, name: str) -> int:
    """A phone extension registered from a port of its own; returns that port."""
    phone_extension(node, name)
    port = free_udp_port()
    assert register(node, tmp_path, port, f"000*{name}", "s3cret", final=200) == 0
    return port


def history(node: Node, call_id: str) -> tuple[object, ...]:
    """The call's history row (written by a worker thread as the call ends)."""
    deadline = time.monotonic() + 10
    while True:
        with sqlite3.connect(node.data_dir / "ivrd.sqlite3") as db:
            found = db.execute(
                "select flow, from_username, to_username, bridged_username, result, "
                "hangup_cause from call_history where call_uuid = ?", (call_id,),
            ).fetchall()  # fmt: skip
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(found) == 1, found
    return tuple(found[0])


def wait_for(node: Node, pattern: str) -> None:
    node.wait_for_log(pattern, 20)


def test_the_phone_rings_first_then_the_number_called_and_they_are_connected(
    node: Node, tmp_path: Path
) -> None:
    port = phone(node, tmp_path, "031")
    ringing = start_sipp(tmp_path, "phone", callee(200, "phone", talk_ms=3000), port=port)
    called = start_sipp(
        tmp_path, "called", callee(200, r"+79001234567"), "-rtp_echo", "-trace_msg",
        port=node.outbound_port,
    )  # fmt: skip
    time.sleep(0.3)
    answer = node.http.post(
        f"{BASE}/extension/@031/callback/",
        json={"src_num": ["031"], "dst_num": "+79001234567",
              "caller_id_number": "74950001122", "caller_id_name": "Shop"},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"call_api_id", "call_id"}
    assert re.fullmatch(r"[0-9a-f]{32}", body["call_id"])
    assert body["call_api_id"].endswith(":" + body["call_id"])
    assert ringing.wait(30) == 0, ringing.errors()  # answered, talked 3 s, hung up
    assert called.wait(30) == 0, called.errors()  # answered, got our BYE
    call_id = body["call_id"]
    wait_for(node, rf"callback {call_id}: 031 answered, dialling \+79001234567")
    wait_for(node, rf"callback {call_id}: connected")
    wait_for(node, rf"callback {call_id} ended: caller hung up")
    messages = "".join(p.read_text() for p in tmp_path.glob("called*_messages.log"))
    invite = messages[messages.index("INVITE sip:+79001234567@") :]
    assert re.search(r'From: "Shop" <sip:74950001122@', invite), invite[:800]
    assert history(node, call_id) == (
        "out", "031", "+79001234567", "+79001234567", "answered", "caller hung up"
    )


def test_a_busy_number_hangs_up_the_phone_that_asked_for_it(node: Node, tmp_path: Path) -> None:
    port = phone(node, tmp_path, "032")
    ringing = start_sipp(tmp_path, "phone", callee(200, "phone"), port=port)  # waits for BYE
    called = start_sipp(tmp_path, "called", callee(486, "5551234"), port=node.outbound_port)
    time.sleep(0.3)
    answer = node.http.post(
        f"{BASE}/extension/@032/callback", json={"src_num": "032", "dst_num": "5551234"}
    )
    assert answer.status_code == 200, answer.text
    assert called.wait(30) == 0, called.errors()
    assert ringing.wait(30) == 0, ringing.errors()
    call_id = answer.json()["call_id"]
    wait_for(node, rf"callback {call_id} ended: the number called: busy")
    assert history(node, call_id)[4:] == ("busy", "the number called: busy")
