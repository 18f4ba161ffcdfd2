"""The media half of ``bench/sip_load.py``: what sipp callers send, and the node's figures.

sipp plays the callers: each call streams a μ-law WAV as 20 ms RTP (``rtp_stream``, looped
until the call hangs up) while ivrd plays its prompts back, and presses keys by replaying the
RFC 4733 captures sip-tester ships (``play_pcap_audio``; those paths are not keyword-expanded,
so the digits are written into the scenario). The node's side — send lateness, packets lost,
digits detected — comes from ``MediaEngine.report()``; :func:`media_columns` turns two reports
(before and after the run) into the columns of the load table.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ivrd.rtp import g711
from ivrd.runtime.media import MediaReport

__all__ = ["DTMF_CAPTURES", "MediaColumns", "caller_scenario", "media_columns", "write_ulaw_wav"]

DTMF_CAPTURES = Path("/usr/share/sip-tester")  # dtmf_2833_<key>.pcap, PT 101 (sip-tester)
CAPTURE_NAMES = {"*": "star", "#": "pound"}
WAVE_FORMAT_MULAW = 7  # RFC 2361 / Microsoft WAVE format tag for ITU G.711 μ-law
KEY_GAP_MS = 500  # a capture lasts ~280 ms; leave a pause after each
SAMPLE_RATE = 8000


def write_ulaw_wav(path: Path, seconds: float, hz: float = 440.0) -> Path:
    """A mono 8 kHz μ-law WAV holding a tone, what ``rtp_stream`` sends as the caller's voice."""
    t = np.arange(int(SAMPLE_RATE * seconds)) / SAMPLE_RATE
    data = g711.ulaw_encode((6000 * np.sin(2 * np.pi * hz * t)).astype(np.int16))
    fmt = struct.pack("<HHIIHHH", WAVE_FORMAT_MULAW, 1, SAMPLE_RATE, SAMPLE_RATE, 1, 8, 0)
    chunks = b"WAVE" + _chunk(b"fmt ", fmt) + _chunk(b"fact", struct.pack("<I", len(data)))
    path.write_bytes(b"RIFF" + struct.pack("<I", len(chunks) + 8 + len(data)) + chunks
                     + b"data" + struct.pack("<I", len(data)) + data)  # fmt: skip
    return path


def _chunk(name: bytes, body: bytes) -> bytes:
    return name + struct.pack("<I", len(body)) + body


def caller_scenario(wav: Path, digits: str, talk_ms: int, service: str = "ivr") -> str:
    """A sipp UAC scenario: INVITE offering PCMU and telephone-event 101, then stream ``wav``
    (looped) for the whole call, press ``digits`` after ``talk_ms``, talk a little more, BYE."""
    keys = "".join(_press(key) for key in digits)
    return _SCENARIO.format(
        service=service, wav=wav, talk_ms=talk_ms, keys=keys, tail_ms=max(talk_ms // 2, 200)
    )


def _press(key: str) -> str:
    capture = DTMF_CAPTURES / f"dtmf_2833_{CAPTURE_NAMES.get(key, key)}.pcap"
    if not capture.is_file():
        raise ValueError(f"no sip-tester capture for key {key!r} ({capture})")
    return (
        f'  <nop><action><exec play_pcap_audio="{capture}"/></action></nop>\n'
        f'  <pause milliseconds="{KEY_GAP_MS}"/>\n'
    )


@dataclass(frozen=True, slots=True)
class MediaColumns:
    """The media columns of the load table, over one run."""

    late_p50_ms: float
    late_p99_ms: float
    late_max_ms: float
    packets_sent: int
    packets_received: int
    packets_lost: int
    digits_missed: int


def media_columns(before: MediaReport, after: MediaReport, digits_sent: int) -> MediaColumns:
    """Differences of two node reports; lateness is the node's since its last reset."""
    return MediaColumns(
        after.late_p50_ms, after.late_p99_ms, after.late_max_ms,
        after.packets_sent - before.packets_sent,
        after.packets_received - before.packets_received,
        after.packets_lost - before.packets_lost,
        digits_sent - (after.digits - before.digits),
    )  # fmt: skip


_HEADERS = """Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:load@[local_ip]:[local_port]>;tag=[pid]load[call_number]
To: <sip:{service}@[remote_ip]:[remote_port]>{to_tag}
Call-ID: [call_id]
Max-Forwards: 70"""

_SCENARIO = (
    """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="ivrd media caller">
  <send retrans="500"><![CDATA[
INVITE sip:{service}@[remote_ip]:[remote_port] SIP/2.0
"""
    + _HEADERS.replace("{to_tag}", "")
    + """
CSeq: 1 INVITE
Contact: <sip:load@[local_ip]:[local_port]>
Content-Type: application/sdp
Content-Length: [len]

v=0
o=load 1 1 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send><![CDATA[
ACK sip:{service}@[remote_ip]:[remote_port] SIP/2.0
"""
    + _HEADERS.replace("{to_tag}", "[peer_tag_param]")
    + """
CSeq: 1 ACK
Content-Length: 0
]]></send>
  <nop><action><exec rtp_stream="{wav},-1,0"/></action></nop>
  <pause milliseconds="{talk_ms}"/>
{keys}  <pause milliseconds="{tail_ms}"/>
  <nop><action><exec rtp_stream="pause"/></action></nop>
  <send retrans="500"><![CDATA[
BYE sip:{service}@[remote_ip]:[remote_port] SIP/2.0
"""
    + _HEADERS.replace("{to_tag}", "[peer_tag_param]")
    + """
CSeq: 2 BYE
Content-Length: 0
]]></send>
  <recv response="200" crlf="true"/>
</scenario>
"""
)
