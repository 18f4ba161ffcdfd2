from __future__ import annotations

import struct
from itertools import pairwise
from pathlib import Path

import pytest

from ivrd.rtp.dtmf import DtmfDetector, DtmfDigit, TelephoneEvent
from ivrd.rtp.errors import RtpError
from ivrd.rtp.packet import RtpPacket

SIPP_CAPTURES = Path("/usr/share/sip-tester")
SSRC = 0x0E05384E


def event_packet(
    seq: int, timestamp: int, event: int, duration: int, end: bool = False, ssrc: int = SSRC
) -> RtpPacket:
    payload = TelephoneEvent(event, end, 10, duration).serialize()
    return RtpPacket(101, seq, timestamp, ssrc, payload, marker=duration == 0)


def key_press(timestamp: int, event: int, seq: int = 0) -> list[RtpPacket]:
    """What a phone sends for one key: 7 updates 20 ms apart, then the end packet 3 times."""
    updates = [event_packet(seq + i, timestamp, event, 160 * i) for i in range(7)]
    ends = [event_packet(seq + 7, timestamp, event, 1120, end=True)] * 3
    return updates + ends


def feed_all(detector: DtmfDetector, packets: list[RtpPacket], start: float = 0.0) -> list[str]:
    digits: list[str] = []
    for i, packet in enumerate(packets):
        digits += [d.digit for d in detector.feed(packet, now=start + 0.02 * i)]
    return digits


def test_parse_event_payload() -> None:
    event = TelephoneEvent.parse(bytes.fromhex("0b8a0320"))
    assert event == TelephoneEvent(event=11, end=True, volume=10, duration=800)
    assert event.digit == "#"
    assert event.serialize() == bytes.fromhex("0b8a0320")
    assert TelephoneEvent.parse(bytes.fromhex("05400000")).end is False  # R bit is ignored


@pytest.mark.parametrize(
    ("event", "digit"),
    [(0, "0"), (9, "9"), (10, "*"), (11, "#"), (12, "A"), (15, "D"), (16, None), (255, None)],
)
def test_event_numbers_to_keys(event: int, digit: str | None) -> None:
    assert TelephoneEvent(event, False, 0, 0).digit == digit


@pytest.mark.parametrize("size", [0, 1, 3])
def test_short_event_payload(size: int) -> None:
    with pytest.raises(RtpError) as info:
        TelephoneEvent.parse(bytes(size))
    assert str(info.value) == f"telephone-event payload too short: {size} bytes, need 4"


def test_event_validation() -> None:
    with pytest.raises(ValueError, match=r"^telephone-event volume 64 is not in 0\.\.63$"):
        TelephoneEvent(1, False, 64, 0)
    with pytest.raises(ValueError, match=r"^telephone-event duration 65536 is not in 0\.\.65535$"):
        TelephoneEvent(1, False, 0, 65536)
    with pytest.raises(ValueError, match=r"^telephone-event 256 is not in 0\.\.255$"):
        TelephoneEvent(256, False, 0, 0)


def test_one_press_reported_once_on_the_first_end_packet() -> None:
    detector = DtmfDetector()
    packets = key_press(1000, 5)
    results = [detector.feed(p, now=0.02 * i) for i, p in enumerate(packets)]
    assert [len(r) for r in results] == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]
    assert results[7] == [DtmfDigit("5", 1000, 1120, ended=True)]
    assert detector.deadline is None
    assert detector.poll(now=10.0) == []


def test_a_sequence_of_keys() -> None:
    detector = DtmfDetector()
    packets = [p for i, e in enumerate([1, 10, 11, 0, 15]) for p in key_press(8000 * i, e, 10 * i)]
    assert feed_all(detector, packets) == ["1", "*", "#", "0", "D"]


def test_lost_start_packets_still_report_once() -> None:
    detector = DtmfDetector()
    assert feed_all(detector, key_press(1000, 7)[7:]) == ["7"]


def test_lost_end_packets_report_when_the_next_event_starts() -> None:
    detector = DtmfDetector()
    first = key_press(1000, 3)[:7]
    second = key_press(9000, 4, seq=20)
    results = [detector.feed(p, now=0.0) for p in [*first, second[0]]]
    assert results[-1] == [DtmfDigit("3", 1000, 960, ended=False)]
    assert feed_all(detector, second[1:]) == ["4"]


def test_lost_end_then_a_new_event_seen_only_by_its_end() -> None:
    detector = DtmfDetector()
    feed_all(detector, key_press(1000, 1)[:3])
    found = detector.feed(key_press(9000, 2)[-1], now=1.0)
    assert [(d.digit, d.ended) for d in found] == [("1", False), ("2", True)]


def test_lost_end_packets_report_after_the_deadline() -> None:
    detector = DtmfDetector(end_timeout=0.25)
    for i, packet in enumerate(key_press(1000, 9)[:7]):
        assert detector.feed(packet, now=10.0 + 0.05 * i) == []
    assert detector.deadline == pytest.approx(10.55)
    assert detector.poll(now=10.5) == []
    assert detector.poll(now=10.55) == [DtmfDigit("9", 1000, 960, ended=False)]
    assert detector.poll(now=11.0) == []
    assert detector.deadline is None
    assert feed_all(detector, key_press(1000, 9)[7:], start=11.0) == []  # the late ends


def test_updates_push_the_deadline() -> None:
    detector = DtmfDetector(end_timeout=0.25)
    packets = [event_packet(i, 500, 6, 160 * i) for i in range(20)]
    for i, packet in enumerate(packets):
        detector.feed(packet, now=0.2 * i)
        assert detector.poll(now=0.2 * i + 0.2) == []


def test_late_copy_of_a_finished_event_does_not_cut_the_next_one_short() -> None:
    detector = DtmfDetector()
    assert feed_all(detector, key_press(1000, 1)[:8]) == ["1"]
    second = key_press(9000, 2, seq=20)
    assert feed_all(detector, second[:3]) == []
    assert detector.feed(key_press(1000, 1)[-1], now=1.0) == []  # reordered retransmission
    assert feed_all(detector, second[3:]) == ["2"]


def test_non_dtmf_events_are_not_reported_but_end_a_pending_key() -> None:
    detector = DtmfDetector()
    assert feed_all(detector, key_press(1000, 16)) == []  # flash
    feed_all(detector, key_press(2000, 8)[:2])
    assert [d.digit for d in detector.feed(event_packet(9, 3000, 16, 0), now=1.0)] == ["8"]


def test_same_timestamp_from_another_source_is_another_event() -> None:
    detector = DtmfDetector()
    one = event_packet(1, 1000, 1, 160, end=True, ssrc=1)
    other = event_packet(1, 1000, 1, 160, end=True, ssrc=2)
    assert [len(detector.feed(p, now=0.0)) for p in (one, one, other)] == [1, 0, 1]


def test_detectors_are_independent_like_calls_replaying_one_capture() -> None:
    packets = key_press(1000, 5)
    assert feed_all(DtmfDetector(), packets) == ["5"]
    assert feed_all(DtmfDetector(), packets) == ["5"]


def test_memory_is_bounded_but_recent_events_stay_deduplicated() -> None:
    detector = DtmfDetector()
    for i in range(100):
        assert feed_all(detector, key_press(160 * i, i % 10)[-3:]) == [str(i % 10)]
    assert feed_all(detector, key_press(160 * 99, 9)) == []


def test_malformed_payload_raises_and_keeps_state() -> None:
    detector = DtmfDetector()
    feed_all(detector, key_press(1000, 4)[:2])
    with pytest.raises(RtpError):
        detector.feed(RtpPacket(101, 3, 1000, SSRC, b"\x04"), now=0.1)
    assert feed_all(detector, key_press(1000, 4)[7:]) == ["4"]


def test_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match=r"^end_timeout must be positive, got 0$"):
        DtmfDetector(end_timeout=0)


def udp_payloads(path: Path) -> list[tuple[float, bytes]]:
    """(time, UDP payload) of each frame of an Ethernet/IPv4 pcap such as sipp's captures."""
    data = path.read_bytes()
    assert struct.unpack_from("<IH", data) == (0xA1B2C3D4, 2)
    frames, offset = [], 24
    while offset < len(data):
        seconds, micros, length, _ = struct.unpack_from("<IIII", data, offset)
        frame = data[offset + 16 : offset + 16 + length]
        ip_header = (frame[14] & 0x0F) * 4
        frames.append((seconds + micros / 1e6, frame[14 + ip_header + 8 :]))
        offset += 16 + length
    return frames


CAPTURES = {f"dtmf_2833_{k}": k for k in "0123456789"} | {
    "dtmf_2833_star": "*",
    "dtmf_2833_pound": "#",
}


@pytest.mark.skipif(not SIPP_CAPTURES.is_dir(), reason="sipp's captures need Debian's sip-tester")
@pytest.mark.parametrize(("capture", "key"), sorted(CAPTURES.items()))
def test_sipp_captures(capture: str, key: str) -> None:
    frames = udp_payloads(SIPP_CAPTURES / f"{capture}.pcap")
    packets = [(t, RtpPacket.parse(d)) for t, d in frames]
    assert len(packets) == 10
    assert {p.payload_type for _, p in packets} == {101}
    detector = DtmfDetector()
    found = [d for t, p in packets for d in detector.feed(p, t)]
    assert [(d.digit, d.ended, d.duration) for d in found] == [(key, True, 2240)]
    # the same call replayed by the next sipp call: a fresh detector reports it again
    again = DtmfDetector()
    assert [d.digit for t, p in packets for d in again.feed(p, t)] == [key]
    # and with only the last two updates and no end packets, the deadline reports it
    lossy = DtmfDetector()
    assert [d for t, p in packets[5:7] for d in lossy.feed(p, t)] == []
    assert [d.digit for d in lossy.poll(packets[6][0] + 1.0)] == [key]


@pytest.mark.skipif(not SIPP_CAPTURES.is_dir(), reason="sipp's captures need Debian's sip-tester")
def test_sipp_alaw_capture_parses() -> None:
    packets = [RtpPacket.parse(d) for _, d in udp_payloads(SIPP_CAPTURES / "g711a.pcap")]
    assert len(packets) == 236
    assert {p.payload_type for p in packets} == {8}
    assert len({p.ssrc for p in packets}) == 1
    assert {len(p.payload) for p in packets} == {240}  # 30 ms frames
    steps = {(b.sequence_number - a.sequence_number) % 65536 for a, b in pairwise(packets)}
    assert steps == {1}
