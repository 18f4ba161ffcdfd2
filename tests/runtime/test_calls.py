"""Real calls into a real ivrd node: sipp dials, presses keys (RFC 4733 and SIP INFO), and a
second sipp stands in for the outbound proxy that transfers reach."""

from __future__ import annotations

import io
import os
import re
import socket
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from ..seed_http import SeedMenu, build_seed_menu
from .conftest import Node
from .sipp import BYE, RECV_BYE, callee, caller, info, pause, play_dtmf, start_sipp

BASE = "/api/ver1.0"


def tone(seconds: float, freq: float = 440.0) -> bytes:
    t = np.arange(int(8000 * seconds)) / 8000
    buffer = io.BytesIO()
    sf.write(buffer, 0.3 * np.sin(2 * np.pi * freq * t), 8000, subtype="PCM_16", format="WAV")
    return buffer.getvalue()


def seed(node: Node, name: str) -> SeedMenu:
    """The seed example with short prompts: sleep 0.5 s, advertising 1 s, hello 1.5 s, 2 s wait."""
    return build_seed_menu(
        node.http, tone(1.5, 500), tone(1.0, 300), name=name, sleep_time=500, timeout=2000
    )


def call(
    node: Node,
    tmp_path: Path,
    service: str,
    steps: str,
    *,
    target: str | None = None,
    answer: int = 200,
    talk_ms: int | None = None,
    codec: str = "PCMU",
) -> None:
    """Run one call; the callee (if any) must see ``target`` dialled; both must succeed."""
    uas = None
    if target is not None:
        uas = start_sipp(
            tmp_path,
            "callee",
            callee(answer, target, talk_ms),
            "-rtp_echo",
            port=node.outbound_port,
        )
        time.sleep(0.3)
    uac = start_sipp(
        tmp_path, "caller", caller(steps, codec=codec), "-s", service, f"127.0.0.1:{node.sip_port}"
    )
    rc = uac.wait(60)
    assert rc == 0, f"caller failed ({rc}):\n{uac.errors()}\n--- node ---\n{node.log()[-3000:]}"
    if uas is not None:
        rc = uas.wait(30)
        assert rc == 0, f"callee failed ({rc}):\n{uas.errors()}\n--- node ---\n{node.log()[-3000:]}"


def call_log(node: Node, number: str) -> list[str]:
    """The structured decision lines of the calls from ``number``... of the last call."""
    text = node.log()
    ids = re.findall(r"call ([0-9a-f]{32}) \{\"t\": [0-9.]+, \"kind\": \"call\"", text)
    assert ids, "no call was logged"
    return [line for line in text.splitlines() if f"call {ids[-1]} " in line]


def test_no_input_plays_prompts_then_transfers_to_050(node: Node, tmp_path: Path) -> None:
    menu = seed(node, "071")
    call(node, tmp_path, "071", pause(8000) + BYE, target="050")
    lines = call_log(node, "79001234567")
    plays = [line for line in lines if '"kind": "play"' in line]
    assert [
        f'"sound_id": {menu.advertising},' in plays[0],
        f'"sound_id": {menu.hello},' in plays[1],
    ] == [True, True]
    assert any('"reason": "timeout"' in line for line in lines)
    assert any('"status": "answered"' in line for line in lines)


def test_rfc4733_key_during_hello_transfers_to_the_mobile(node: Node, tmp_path: Path) -> None:
    seed(node, "072")
    call(
        node,
        tmp_path,
        "072",
        pause(2000) + play_dtmf("1") + pause(3000) + BYE,
        target="+7987654321",
    )
    assert any('"source": "rfc4733"' in line for line in call_log(node, "79001234567"))


def test_sip_info_key_transfers_to_the_mobile(node: Node, tmp_path: Path) -> None:
    seed(node, "073")
    call(node, tmp_path, "073", pause(2000) + info("1") + pause(3000) + BYE, target="+7987654321")
    assert any('"source": "info"' in line for line in call_log(node, "79001234567"))


def test_busy_target_runs_the_call_status_busy_rule(node: Node, tmp_path: Path) -> None:
    sound = node.http.post(
        f"{BASE}/client/@me/sound/",
        data={"title": "sorry"},
        files={"file": ("sorry.wav", tone(0.5, 700))},
    ).json()["id"]
    ext = node.http.post(
        f"{BASE}/client/@me/extension/", json={"name": "074", "type": "ivr", "status": "active"}
    ).json()["id"]
    ctx = node.http.post(f"{BASE}/extension/{ext}/ivr/context/", json={"name": "main"}).json()["id"]
    node.http.put(f"{BASE}/extension/{ext}/ivr/", json={"entry_context": ctx})
    rules = f"{BASE}/extension/{ext}/ivr/context/{ctx}/options/start/rules/"
    for rule in (
        {"action": "transfer", "transfer_dst": "555", "transfer_timeout": 10},
        {"action": "play_sound", "sound": sound, "sound_type": "foreground", "call_status": "busy"},
        {"action": "hangup"},
    ):
        assert node.http.post(rules, json=rule).status_code == 200
    call(node, tmp_path, "074", RECV_BYE, target="555", answer=486)
    lines = call_log(node, "79001234567")
    busy = next(i for i, line in enumerate(lines) if '"status": "busy"' in line)
    assert any(f'"sound_id": {sound},' in line for line in lines[busy:])


def _udp_sockets(pid: int) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd).startswith("socket:"))


def test_caller_hangs_up_mid_prompt_and_nothing_leaks(node: Node, tmp_path: Path) -> None:
    seed(node, "075")
    before = _udp_sockets(node.process.pid)
    frozen = node.log().count("idle: collected and froze")
    call(node, tmp_path, "075", pause(1000) + BYE)
    node.wait_for_log(r"ended: caller hung up")
    time.sleep(0.5)
    assert _udp_sockets(node.process.pid) == before
    # idle again: the node collects and freezes its heap once (runtime/collector.py), and
    # its media line says what the collector cost meanwhile
    deadline = time.monotonic() + 10
    while node.log().count("idle: collected and froze") == frozen:
        assert time.monotonic() < deadline, node.log()[-3000:]
        time.sleep(0.1)
    assert re.search(r'media \{.*"gc": \d+, "gc_full": \d+, "gc_max_ms": [0-9.]+\}', node.log())


INVITE = (
    "INVITE sip:{user}@127.0.0.1:{port} SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bK{branch}\r\n"
    "From: <sip:tester@127.0.0.1>;tag=t{branch}\r\nTo: <sip:{user}@127.0.0.1>\r\n"
    "Call-ID: {branch}@test\r\nCSeq: 1 INVITE\r\nContact: <sip:tester@127.0.0.1:{me}>\r\n"
    "Max-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: {length}\r\n\r\n{sdp}"
)
SDP = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 4000 RTP/AVP {pts}\r\n"
)


def _final_status(node: Node, user: str, pts: str = "0") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(5)
        sdp = SDP.format(pts=pts)
        message = INVITE.format(
            user=user,
            port=node.sip_port,
            me=sock.getsockname()[1],
            branch=os.urandom(6).hex(),
            length=len(sdp),
            sdp=sdp,
        )
        sock.sendto(message.encode(), ("127.0.0.1", node.sip_port))
        while True:
            status = int(sock.recv(65535).split(b" ", 2)[1])
            if status >= 200:
                return status


def test_unknown_blocked_non_ivr_and_no_common_codec(node: Node) -> None:
    assert _final_status(node, "999") == 404
    node.http.post(f"{BASE}/client/@me/extension/", json={"name": "076", "type": "ivr"})
    assert _final_status(node, "076") == 403  # extensions are created blocked
    node.http.post(f"{BASE}/client/@me/extension/", json={"name": "077", "status": "active"})
    assert _final_status(node, "077") == 480
    seed(node, "078")
    assert _final_status(node, "000*078", pts="18") == 488


@pytest.mark.parametrize(
    "datagram",
    [
        b"\x00\x01garbage",
        b"INVITE sip:071@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx\r\n",
        b"INVITE sip:071@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKy\r\n"
        b"From: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n"
        b"Content-Length: 500\r\n\r\nshort",
        b"OPTIONS sip:x SIP/7.0\r\n\r\n",
    ],
)
def test_malformed_datagrams_never_break_the_node(node: Node, datagram: bytes) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(2)
        sock.sendto(datagram, ("127.0.0.1", node.sip_port))
        options = (
            "OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{p};"
            "branch=z9hG4bKping{r}\r\nFrom: <sip:t@127.0.0.1>;tag=p\r\n"
            "To: <sip:ping@127.0.0.1>\r\nCall-ID: ping{r}\r\nCSeq: 1 OPTIONS\r\n"
            "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        )
        sock.sendto(
            options.format(p=sock.getsockname()[1], r=os.urandom(4).hex()).encode(),
            ("127.0.0.1", node.sip_port),
        )
        answers = []
        try:
            while True:
                answers.append(sock.recv(65535))
        except TimeoutError:
            pass
    assert any(a.startswith(b"SIP/2.0 200") and b"OPTIONS" in a for a in answers), answers
    assert node.process.poll() is None


REINVITE = """
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: SEQ INVITE
      Contact: <sip:sipp@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 VERSION IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[local_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=DIRECTION
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="200">
    <action>
      <ereg regexp="o=ivrd [0-9a-f]+ EXPECTED .*a=ANSWER" search_in="body" check_it="true"
            assign_to="VAR"/>
    </action>
  </recv>
  <send>
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: SEQ ACK
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
"""


def reinvite(seq: int, direction: str, expected_version: int, answer: str) -> str:
    """A re-INVITE offering ``direction``; ivrd's 200 must carry ``answer`` at that version."""
    return (
        REINVITE.replace("SEQ", str(seq))
        .replace("VERSION", str(2353687636 + seq))
        .replace("DIRECTION", direction)
        .replace("EXPECTED", str(expected_version))
        .replace("ANSWER", answer)
        .replace("VAR", f"answer{seq}")
    )


def test_hold_resume_and_refresh_reinvites(node: Node, tmp_path: Path) -> None:
    """RFC 3264 §8: a changed answer gets the next o= version, an unchanged one keeps it."""
    seed(node, "079")
    steps = (
        pause(500)
        + reinvite(2, "sendonly", 2, "recvonly")
        + pause(300)
        + reinvite(3, "sendrecv", 3, "sendrecv")
        + reinvite(4, "sendrecv", 3, "sendrecv")
        + BYE.replace("[cseq]", "5")
        + '  <Reference variables="answer2,answer3,answer4"/>\n'
    )
    call(node, tmp_path, "079", steps)
    assert any('"kind": "call"' in line for line in call_log(node, "79001234567"))
