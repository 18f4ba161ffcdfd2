"""sipp as a real SIP peer: scenario files written per test, runs bounded in time.

Gotchas from shared/notes/telephony.md are handled here: explicit loopback addresses for
signalling and media, explicit ports, no TTY (-nostdin), a timeout around every run, and the
errors log read on failure.
"""

from __future__ import annotations

import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .ports import sipp_media_port

DTMF_PCAP = "/usr/share/sip-tester/dtmf_2833_{}.pcap"
KEY_NAMES = {"*": "star", "#": "pound"}

INVITE = """
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:sipp@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[local_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP {pt} 101
      a=rtpmap:{pt} {codec}/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send>
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: <sip:sipp@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
"""

BYE = """
  <send retrans="500">
    <![CDATA[
      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: [cseq] BYE
      Contact: <sip:sipp@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" crlf="true"/>
"""

INFO = """
  <send retrans="500">
    <![CDATA[
      INFO sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: [cseq] INFO
      Contact: <sip:sipp@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal={digit}
      Duration=160
    ]]>
  </send>
  <recv response="200"/>
"""

RECV_BYE = """
  <recv request="BYE"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>
"""


def pause(ms: int) -> str:
    return f'  <pause milliseconds="{ms}"/>\n'


def play_dtmf(key: str) -> str:
    pcap = DTMF_PCAP.format(KEY_NAMES.get(key, key))
    play = f'  <nop><action><exec play_pcap_audio="{pcap}"/></action></nop>\n'
    return play + pause(400)


def caller(steps: str, number: str = "79001234567", codec: str = "PCMU") -> str:
    """A UAC scenario: INVITE/ACK, then ``steps`` (pauses, DTMF, INFO, BYE or wait for BYE)."""
    pt = {"PCMU": 0, "PCMA": 8}[codec]
    body = INVITE.format(caller=number, pt=pt, codec=codec) + steps.replace("{caller}", number)
    return (
        f'<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="caller">{body}</scenario>\n'
    )


def play_audio(pcap: str = "/usr/share/sip-tester/g711a.pcap") -> str:
    """Send the caller's voice (sipp's A-law capture) without waiting for it to end."""
    return f'  <nop><action><exec play_pcap_audio="{pcap}"/></action></nop>\n'


def info(digit: str) -> str:
    return INFO.replace("{digit}", digit)


def callee(answer: int = 200, expect_user: str | None = None, talk_ms: int | None = None) -> str:
    """A UAS scenario standing in for the outbound proxy: check the dialled number, answer
    ``answer`` (200 with SDP and RTP echo, or a failure like 486), and for 200 wait for BYE
    (or send it after ``talk_ms``)."""
    check = ""
    if expect_user is not None:
        regexp = "^INVITE sip:" + expect_user.replace("+", "\\+") + "@"
        check = (
            f'<action><ereg regexp="{regexp}" search_in="msg" check_it="true" '
            f'assign_to="dummy"/></action>'
        )
    invite = f'  <recv request="INVITE" rrs="true">{check}</recv>\n'
    used = '  <Reference variables="dummy"/>\n' if check else ""
    if answer != 200:
        return _scenario(invite + _reply(answer, sdp=False) + '  <recv request="ACK"/>\n' + used)
    steps = invite + _reply(180, sdp=False) + _reply(200, sdp=True)
    if talk_ms is None:
        steps += '  <recv request="ACK"/>\n' + RECV_BYE
    else:  # keep the dialog's two ends from the ACK: our BYE swaps them
        steps += ACK_KEEPING_ENDS + pause(talk_ms) + _callee_bye()
        used += '  <Reference variables="caller,callee"/>\n'
    return _scenario(steps + used)


def _scenario(body: str) -> str:
    head = '<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
    return f'{head}<scenario name="callee">\n{body}</scenario>\n'


def _reply(status: int, sdp: bool) -> str:
    reason = {180: "Ringing", 200: "OK", 486: "Busy Here", 404: "Not Found", 603: "Decline"}
    body = (
        (
            "Content-Type: application/sdp\n      Content-Length: [len]\n\n      v=0\n"
            "      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]\n      s=-\n"
            "      c=IN IP[media_ip_type] [media_ip]\n      t=0 0\n"
            "      m=audio [media_port] RTP/AVP 0\n      a=rtpmap:0 PCMU/8000\n"
        )
        if sdp
        else "Content-Length: 0\n"
    )
    return f"""  <send>
    <![CDATA[
      SIP/2.0 {status} {reason.get(status, "Response")}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      {body}
    ]]>
  </send>
"""


ACK_KEEPING_ENDS = """  <recv request="ACK">
    <action>
      <ereg regexp=".*" search_in="hdr" header="From:" assign_to="caller"/>
      <ereg regexp=".*" search_in="hdr" header="To:" assign_to="callee"/>
    </action>
  </recv>
"""


def _callee_bye() -> str:
    return """  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: [$callee]
      To: [$caller]
      [last_Call-ID:]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
  <recv response="200"/>
"""


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SippRun:
    process: subprocess.Popen[bytes]
    workdir: Path
    name: str

    def wait(self, timeout: float = 60) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return -9

    def stop(self) -> None:
        """Kill sipp if it is still running (tests call this in ``finally``)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def errors(self) -> str:
        logs = sorted(self.workdir.glob("*_errors.log"))
        out = self.workdir / f"{self.name}.out"
        text = "\n".join(p.read_text(errors="replace")[-3000:] for p in logs)
        return text + "\n" + (out.read_text(errors="replace")[-3000:] if out.exists() else "")


def start_sipp(
    workdir: Path, name: str, scenario: str, *args: str, port: int | None = None
) -> SippRun:
    """Start sipp on loopback with ``scenario`` (XML text); returns a handle to wait on."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"{name}.xml"
    path.write_text(scenario)
    port = port or free_udp_port()
    command = [
        "sipp",
        "-sf",
        str(path),
        "-i",
        "127.0.0.1",
        "-mi",
        "127.0.0.1",
        "-p",
        str(port),
        "-mp",
        str(sipp_media_port()),
        "-nostdin",
        "-trace_err",
        "-m",
        "1",
        "-timeout",
        "60s",
        "-timeout_error",
        *args,
    ]
    with (workdir / f"{name}.out").open("wb") as out:
        process = subprocess.Popen(command, cwd=workdir, stdout=out, stderr=subprocess.STDOUT)
    return SippRun(process, workdir, name)


def routed_caller(steps: str, number: str = "79001234567") -> str:
    """A UAC scenario for calls through a proxy: the 2xx's Record-Route is kept (``rrs``), the
    ACK goes to the remote target with the route set, then ``steps`` (e.g. ``RECV_BYE``)."""
    invite = INVITE.format(caller=number, pt=0, codec="PCMU")
    ack_start = invite.index("  <send>\n    <![CDATA[\n      ACK")
    ack = ROUTED_ACK.format(caller=number)
    body = (
        invite[:ack_start].replace(
            '<recv response="200" rtd="true"/>', '<recv response="200" rtd="true" rrs="true"/>'
        )
        + ack
    )
    return (
        f'<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="caller">{body}'
        f"{steps}</scenario>\n"
    )


ROUTED_ACK = """  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: "Caller" <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: <sip:sipp@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
"""
