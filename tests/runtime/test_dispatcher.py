"""Two ``ivrd sip`` nodes on one database behind a kamailio dispatcher.

An ``ivrd serve --no-sip`` process owns the API (the menu is stored through it); two SIP-only
nodes share its data directory (SQLite file and sounds) with their own SIP ports and RTP
ranges. Kamailio round-robins new INVITEs over them, record-routes, probes them with OPTIONS
and fails over to the next node on 5xx, 408 or no answer. Every call: the IVR plays a short
tone and hangs up, so the caller's ACK reaches the node through kamailio by the route set and
the node's BYE comes back the same way.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ivrd.sip.digest import Challenge, authorize

from .conftest import Node, node_env, running_node, stop
from .sipp import RECV_BYE, callee, free_udp_port, routed_caller, start_sipp
from .test_calls import tone
from .test_registrar import phone_extension, transfer_ivr

KAMAILIO = shutil.which("kamailio") or (
    "/usr/sbin/kamailio" if Path("/usr/sbin/kamailio").exists() else None
)
pytestmark = pytest.mark.skipif(KAMAILIO is None, reason="kamailio is not installed")

BASE = "/api/ver1.0"
CALLS = 20
MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules/"

CONFIG = """#!KAMAILIO
debug=2
log_stderror=yes
children=2
disable_tcp=yes
auto_aliases=no
listen=udp:127.0.0.1:{port}
mpath="{modules}"

loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "dispatcher.so"

modparam("tm", "fr_timer", 1500)
modparam("tm", "fr_inv_timer", 10000)
modparam("rr", "append_fromtag", 0)
modparam("dispatcher", "list_file", "{dispatcher_list}")
modparam("dispatcher", "flags", 2)
modparam("dispatcher", "ds_ping_interval", 5)
modparam("dispatcher", "ds_probing_mode", 1)
modparam("dispatcher", "ds_probing_threshold", 1)
modparam("dispatcher", "ds_inactive_threshold", 1)
modparam("dispatcher", "ds_ping_from", "sip:dispatcher@127.0.0.1:{port}")

request_route {{
    if (!mf_process_maxfwd_header("10")) {{
        sl_send_reply("483", "Too Many Hops");
        exit;
    }}
    if (has_totag()) {{
        if (loose_route()) {{
            t_relay();
        }} else if (is_method("ACK") && t_check_trans()) {{
            t_relay();
        }} else if (!is_method("ACK")) {{
            sl_send_reply("404", "Not here");
        }}
        exit;
    }}
    if (is_method("CANCEL")) {{
        if (t_check_trans()) {{
            t_relay();
        }}
        exit;
    }}
    t_check_trans();
    if (is_method("INVITE")) {{
        record_route();
    }}
    if (!ds_select_dst("1", "4")) {{
        sl_send_reply("503", "No node available");
        exit;
    }}
    xlog("L_INFO", "dispatching $rm $ci to $du\\n");
    t_on_failure("NEXT_NODE");
    if (!t_relay()) {{
        sl_reply_error();
    }}
    exit;
}}

failure_route[NEXT_NODE] {{
    if (t_is_canceled()) {{
        exit;
    }}
    if (t_check_status("5[0-9][0-9]|408") || t_branch_timeout()) {{
        ds_mark_dst("ip");
        if (ds_next_dst()) {{
            xlog("L_INFO", "failing over $ci to $du\\n");
            t_on_failure("NEXT_NODE");
            t_relay();
            exit;
        }}
    }}
}}
"""


@dataclass
class SipNode:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def calls(self) -> int:
        return len(re.findall(r'"kind": "call"', self.log()))


def start_sip_node(data_dir: Path, name: str, rtp_base: int) -> SipNode:
    port = free_udp_port()
    log_path = data_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "ivrd", "sip", "--grace", "2"],
            env=node_env(data_dir, port, rtp_base, None),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    node = SipNode(process, port, log_path)
    deadline = time.monotonic() + 30
    while "SIP node listening" not in node.log():
        assert process.poll() is None and time.monotonic() < deadline, node.log()[-3000:]
        time.sleep(0.1)
    return node


@contextmanager
def kamailio(workdir: Path, nodes: list[SipNode]) -> Iterator[int]:
    """Kamailio on a free loopback port, its config checked first; stopped on exit."""
    assert KAMAILIO is not None
    port = free_udp_port()
    listing = workdir / "dispatcher.list"
    listing.write_text("".join(f"1 sip:127.0.0.1:{node.port}\n" for node in nodes))
    config = workdir / "kamailio.cfg"
    config.write_text(CONFIG.format(port=port, modules=MODULES, dispatcher_list=listing))
    check = subprocess.run([KAMAILIO, "-c", "-f", str(config)], capture_output=True, timeout=30)
    assert check.returncode == 0, check.stderr.decode(errors="replace")[-3000:]
    log = (workdir / "kamailio.log").open("wb")
    process = subprocess.Popen(
        [KAMAILIO, "-f", str(config), "-D", "-E", "-m", "64", "-M", "8", "-Y", str(workdir)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(1.5)  # bound and its first OPTIONS probes answered
        assert process.poll() is None, (workdir / "kamailio.log").read_text()[-3000:]
        yield port
    finally:
        stop(process, 10)
        log.close()


@dataclass
class Cluster:
    api: Node
    nodes: list[SipNode]
    proxy_port: int
    workdir: Path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    data_dir = tmp_path_factory.mktemp("cluster")
    with ExitStack() as stack:
        api = stack.enter_context(running_node(data_dir, sip=False))
        base = 28400 + (os.getpid() % 5) * 800  # below the ephemeral ports (32768)
        nodes = []
        for index in range(2):
            node = start_sip_node(data_dir, f"node{index}", base + index * 400)
            stack.callback(stop, node.process)
            nodes.append(node)
        proxy_port = stack.enter_context(kamailio(data_dir, nodes))
        yield Cluster(api, nodes, proxy_port, data_dir)


def short_ivr(api: Node, name: str) -> None:
    """Play 0.5 s of 440 Hz, then hang up."""
    sound = api.http.post(
        f"{BASE}/client/@me/sound/", data={"title": "hi"}, files={"file": ("hi.wav", tone(0.5))}
    ).json()["id"]
    ext = api.http.post(
        f"{BASE}/client/@me/extension/", json={"name": name, "type": "ivr", "status": "active"}
    ).json()["id"]
    ctx = api.http.post(f"{BASE}/extension/{ext}/ivr/context/", json={"name": "main"}).json()["id"]
    api.http.put(f"{BASE}/extension/{ext}/ivr/", json={"entry_context": ctx})
    rules = f"{BASE}/extension/{ext}/ivr/context/{ctx}/options/start/rules/"
    for rule in (
        {"action": "play_sound", "sound": sound, "sound_type": "foreground"},
        {"action": "hangup"},
    ):
        assert api.http.post(rules, json=rule).status_code == 200


def bye_via_proxy(proxy_port: int) -> str:
    """RECV_BYE that also checks the node's BYE came through kamailio (its Via on top)."""
    check = (
        f'<action><ereg regexp="UDP 127.0.0.1:{proxy_port}" search_in="hdr" header="Via:" '
        f'check_it="true" assign_to="via"/></action>'
    )
    steps = RECV_BYE.replace('<recv request="BYE"/>', f'<recv request="BYE">{check}</recv>')
    return steps + '  <Reference variables="via"/>\n'


def place_calls(cluster: Cluster, tmp_path: Path, name: str, extension: str) -> None:
    run = start_sipp(
        tmp_path,
        name,
        routed_caller(bye_via_proxy(cluster.proxy_port)),
        "-s",
        extension,
        f"127.0.0.1:{cluster.proxy_port}",
        "-m",
        str(CALLS),
        "-r",
        "10",
        "-l",
        str(CALLS),
    )
    try:
        rc = run.wait(50)
    finally:
        run.stop()
    kamailio_log = (cluster.workdir / "kamailio.log").read_text(errors="replace")[-2000:]
    assert rc == 0, f"sipp failed ({rc}):\n{run.errors()}\n--- kamailio ---\n{kamailio_log}"


def test_calls_spread_over_both_nodes(cluster: Cluster, tmp_path: Path) -> None:
    short_ivr(cluster.api, "091")
    before = [node.calls() for node in cluster.nodes]
    place_calls(cluster, tmp_path, "spread", "091")
    taken = [node.calls() - b for node, b in zip(cluster.nodes, before, strict=True)]
    assert sum(taken) == CALLS
    assert min(taken) >= CALLS // 4, taken  # round robin: 10 and 10 unless a probe intervened


def register_across(first: SipNode, second: SipNode, port: int, user: str, password: str) -> int:
    """REGISTER at ``first``, then answer its digest challenge to ``second`` (as round-robin
    dispatching may do): the final status."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", port))
        sock.settimeout(5)
        call_id = os.urandom(6).hex()
        authorization = ""
        status = 0
        for cseq, node in ((1, first), (2, second)):
            request = (
                f"REGISTER sip:127.0.0.1:{node.port} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{call_id}{cseq}\r\n"
                f"From: <sip:{user}@127.0.0.1>;tag=r{call_id}\r\nTo: <sip:{user}@127.0.0.1>\r\n"
                f"Call-ID: {call_id}@phone\r\nCSeq: {cseq} REGISTER\r\n"
                f"Contact: <sip:phone@127.0.0.1:{port}>\r\nExpires: 300\r\n{authorization}"
                "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
            )
            sock.sendto(request.encode(), ("127.0.0.1", node.port))
            answer = sock.recv(65535).decode()
            status = int(answer.split(" ", 2)[1])
            found = re.search(r"^WWW-Authenticate: (.+?)\r$", answer, re.MULTILINE | re.IGNORECASE)
            if found is not None:
                credentials = authorize(
                    Challenge.parse(found.group(1)), "REGISTER",
                    f"sip:127.0.0.1:{second.port}", user, password, "c0ffee",
                )  # fmt: skip
                authorization = f"Authorization: {credentials}\r\n"
        return status


def test_a_phone_registered_through_one_node_rings_from_both(
    cluster: Cluster, tmp_path: Path
) -> None:
    api = cluster.api
    phone_extension(api, "007")
    port = free_udp_port()
    first, second = cluster.nodes
    # the challenge comes from one node, the answer goes to the other: the nonce key is shared
    assert register_across(first, second, port, "000*007", "s3cret") == 200
    transfer_ivr(api, "093", "007")
    before = [node.calls() for node in cluster.nodes]
    for attempt in range(2):  # round robin: one call on each node
        ringing = start_sipp(
            tmp_path, f"phone{attempt}", callee(200, "phone", talk_ms=500), port=port
        )
        time.sleep(0.3)
        calling = start_sipp(
            tmp_path, f"caller{attempt}", routed_caller(bye_via_proxy(cluster.proxy_port)),
            "-s", "093", f"127.0.0.1:{cluster.proxy_port}",
        )  # fmt: skip
        assert calling.wait(30) == 0, calling.errors()
        assert ringing.wait(30) == 0, ringing.errors()
    taken = [node.calls() - b for node, b in zip(cluster.nodes, before, strict=True)]
    assert taken == [1, 1], taken


def test_an_api_only_process_queues_click_to_call_for_a_node(
    cluster: Cluster, tmp_path: Path
) -> None:
    api = cluster.api  # ivrd serve --no-sip: no SIP node of its own
    ports = {}
    for name in ("017", "018"):
        phone_extension(api, name)
        ports[name] = free_udp_port()
        first = cluster.nodes[0]
        assert register_across(first, first, ports[name], f"000*{name}", "s3cret") == 200
    asking = start_sipp(tmp_path, "asking", callee(200, "phone", talk_ms=1000), port=ports["017"])
    called = start_sipp(tmp_path, "called", callee(200, "phone"), port=ports["018"])
    time.sleep(0.3)
    answer = api.http.post(
        f"{BASE}/extension/@017/callback/", json={"src_num": ["017"], "dst_num": "018"}
    )
    assert answer.status_code == 200, answer.text
    assert asking.wait(30) == 0, asking.errors()
    assert called.wait(30) == 0, called.errors()
    call_id = answer.json()["call_id"]
    placed = [node for node in cluster.nodes if f"callback {call_id}: connected" in node.log()]
    assert len(placed) == 1  # claimed by exactly one node
    assert f"callback {call_id} ended: caller hung up" in placed[0].log()


def test_new_calls_succeed_with_one_node_killed(cluster: Cluster, tmp_path: Path) -> None:
    short_ivr(cluster.api, "092")
    survivor, victim = cluster.nodes
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait(5)
    before = survivor.calls()
    proxy_log = cluster.workdir / "kamailio.log"
    seen = len(proxy_log.read_bytes())
    place_calls(cluster, tmp_path, "failover", "092")
    assert survivor.calls() - before == CALLS
    # the first calls sent to the dead node (before a probe could mark it: probes go every
    # 5 s) went through the failure route, which also marked it; later ones avoided it
    recent = proxy_log.read_bytes()[seen:].decode(errors="replace")
    assert "failing over" in recent, recent[-3000:]
    report = media_report(survivor, lambda r: r["legs_open"] == 0)
    log = survivor.log()
    transfers = len(re.findall(r'"kind": "transfer"', log))  # a leg each, too
    # a click-to-call this node placed: a leg for the phone, and one for the number called
    callbacks = len(re.findall(r"callback \w+: ringing|callback \w+: \S+ answered", log))
    assert report["legs_opened"] == survivor.calls() + transfers + callbacks
    assert report["packets_sent"] > 0


def media_report(node: SipNode, ready: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The node's latest ``media {json}`` line (logged every second here) once ``ready``."""
    deadline = time.monotonic() + 5
    while True:
        lines = re.findall(r"media (\{.*\})", node.log())
        report: dict[str, Any] = json.loads(lines[-1]) if lines else {}
        if (report and ready(report)) or time.monotonic() > deadline:
            return report
        time.sleep(0.2)
