"""The one-box PBX: a phone registers at ivrd with digest auth and rings when a menu transfers
to its extension number."""

from __future__ import annotations

import time
from pathlib import Path

from .conftest import Node
from .sipp import BYE, callee, caller, free_udp_port, pause, start_sipp

BASE = "/api/ver1.0"

REGISTER = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="phone registers">
  <send retrans="500">
    <![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{user}@[remote_ip]>;tag=[pid]reg[call_number]
      To: <sip:{user}@[remote_ip]>
      Call-ID: [call_id]
      CSeq: 1 REGISTER
      Contact: <sip:phone@[local_ip]:[local_port]>
      Expires: 300
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="401" auth="true"/>
  <send retrans="500">
    <![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{user}@[remote_ip]>;tag=[pid]reg[call_number]
      To: <sip:{user}@[remote_ip]>
      Call-ID: [call_id]
      CSeq: 2 REGISTER
      Contact: <sip:phone@[local_ip]:[local_port]>
      [authentication username={user} password={password}]
      Expires: 300
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="{final}"/>
</scenario>
"""


def phone_extension(node: Node, name: str, password: str = "s3cret") -> int:
    """An active ``phone`` extension with a SIP password; its id."""
    ext = node.http.post(
        f"{BASE}/client/@me/extension/", json={"name": name, "type": "phone", "status": "active"}
    ).json()["id"]
    assert node.http.put(f"{BASE}/extension/{ext}/phone/", json={"password": password}).is_success
    return int(ext)


def transfer_ivr(node: Node, name: str, destination: str) -> None:
    """An IVR whose only rule transfers every call to ``destination``."""
    ext = node.http.post(
        f"{BASE}/client/@me/extension/", json={"name": name, "type": "ivr", "status": "active"}
    ).json()["id"]
    ctx = node.http.post(f"{BASE}/extension/{ext}/ivr/context/", json={"name": "m"}).json()["id"]
    node.http.put(f"{BASE}/extension/{ext}/ivr/", json={"entry_context": ctx})
    node.http.post(
        f"{BASE}/extension/{ext}/ivr/context/{ctx}/options/start/rules/",
        json={"action": "transfer", "transfer_dst": destination},
    )


def register(node: Node, tmp_path: Path, port: int, user: str, password: str, final: int) -> int:
    scenario = REGISTER.format(user=user, password=password, final=final)
    run = start_sipp(
        tmp_path, f"register{final}", scenario, f"127.0.0.1:{node.sip_port}", port=port
    )
    return run.wait(30)


def test_registered_phone_rings_when_the_menu_transfers_to_it(node: Node, tmp_path: Path) -> None:
    phone_extension(node, "002")
    port = free_udp_port()
    assert register(node, tmp_path, port, "000*002", "wrong", final=401) == 0
    assert register(node, tmp_path, port, "000*002", "s3cret", final=200) == 0
    node.wait_for_log(r"registered 000\*002")

    transfer_ivr(node, "091", "002")
    ringing = start_sipp(tmp_path, "phone", callee(200, "phone"), "-rtp_echo", port=port)
    time.sleep(0.3)
    dialling = start_sipp(
        tmp_path, "caller", caller(pause(3000) + BYE), "-s", "091", f"127.0.0.1:{node.sip_port}"
    )
    assert dialling.wait(30) == 0, dialling.errors()
    assert ringing.wait(30) == 0, ringing.errors()
