"""A real softphone (baresip) calls the IVR, hears its prompts, presses a key and is bridged.

The prompts are pure tones of known frequency and length, so what the phone dumped to WAV can
be checked with numpy: 50 ms windows, each with its RMS and its dominant frequency. The
transfer target is a sipp UAS echoing RTP, standing in for the outbound proxy; the phone "says"
a 1 kHz tone, so hearing 1 kHz back proves the bridge carries audio both ways.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from ..seed_http import build_seed_menu
from .baresip import Phone, softphone
from .conftest import Node
from .sipp import callee, start_sipp
from .test_calls import tone

pytestmark = pytest.mark.skipif(
    shutil.which("baresip") is None, reason="baresip (Debian baresip-core) is not installed"
)

RATE = 8000
WINDOW = 400  # 50 ms: 20 Hz frequency bins, so 440, 660 and 1000 Hz fall on bins exactly
ADVERTISING_HZ, ADVERTISING_S = 440.0, 1.0
HELLO_HZ, HELLO_S = 660.0, 1.5
VOICE_HZ = 1000.0  # what the phone says: heard again only through the bridge and the echo
TALK_MS = 3000
MOBILE = "+7987654321"  # option 1 of the seed menu


def windows(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Per 50 ms window of ``path``: RMS (full scale 1.0) and dominant frequency in Hz."""
    samples, rate = sf.read(path, dtype="float64")
    assert rate == RATE
    frames = samples[: len(samples) // WINDOW * WINDOW].reshape(-1, WINDOW)
    rms = np.sqrt((frames**2).mean(axis=1))
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(WINDOW), axis=1))
    return rms, spectrum.argmax(axis=1) * RATE / WINDOW


def seconds_of(rms: np.ndarray, freq: np.ndarray, hz: float) -> tuple[float, int]:
    """How long a tone of ``hz`` was heard, and the window where it started (-1: never)."""
    hits = (rms > 0.05) & (np.abs(freq - hz) <= 20)
    first = int(np.argmax(hits)) if hits.any() else -1
    return float(hits.sum()) * WINDOW / RATE, first


def voice(path: Path) -> Path:
    """The phone's microphone: a quiet 1 kHz tone, long enough for any call here."""
    t = np.arange(RATE * 30) / RATE
    sf.write(path, 0.2 * np.sin(2 * np.pi * VOICE_HZ * t), RATE, subtype="PCM_16")
    return path


def dial(phone: Phone, node: Node, extension: str) -> None:
    phone.command("dial", f"sip:{extension}@127.0.0.1:{node.sip_port}")
    phone.wait_event("CALL_ESTABLISHED")


def call_lines(node: Node, extension_hint: str) -> list[str]:
    """Decision lines of the newest call in the node log."""
    ids = re.findall(r"call ([0-9a-f]{32}) \{\"t\": [0-9.]+, \"kind\": \"call\"", node.log())
    assert ids, f"no call in the node log ({extension_hint})"
    return [line for line in node.log().splitlines() if f"call {ids[-1]}" in line]


def seed(node: Node, name: str) -> None:
    build_seed_menu(
        node.http,
        tone(HELLO_S, HELLO_HZ),
        tone(ADVERTISING_S, ADVERTISING_HZ),
        name=name,
        sleep_time=500,
        timeout=8000,
    )


def test_phone_hears_the_prompts_presses_1_and_is_bridged(node: Node, tmp_path: Path) -> None:
    seed(node, "081")
    target = start_sipp(
        tmp_path, "callee", callee(200, MOBILE, TALK_MS), "-rtp_echo", port=node.outbound_port
    )
    try:
        with softphone(tmp_path / "phone", voice(tmp_path / "voice.wav")) as phone:
            dial(phone, node, "081")
            time.sleep(0.5 + ADVERTISING_S + HELLO_S + 0.5)  # sleep_time, both prompts, margin
            phone.command("sndcode", "1")
            assert target.wait(30) == 0, f"transfer target failed:\n{target.errors()}"
            phone.wait_event("CALL_CLOSED", 10)  # final transfer: ivrd hangs up after it
            rms, freq = windows(phone.heard())
    finally:
        target.stop()
    advertising, ad_start = seconds_of(rms, freq, ADVERTISING_HZ)
    hello, hello_start = seconds_of(rms, freq, HELLO_HZ)
    echoed, echo_start = seconds_of(rms, freq, VOICE_HZ)
    assert advertising == pytest.approx(ADVERTISING_S, abs=0.1)
    assert hello == pytest.approx(HELLO_S, abs=0.1)
    assert echoed == pytest.approx(TALK_MS / 1000, abs=0.5)
    assert 0 <= ad_start < hello_start < echo_start
    for hz, amplitude in ((ADVERTISING_HZ, 0.3), (HELLO_HZ, 0.3), (VOICE_HZ, 0.2)):
        level = float(np.median(rms[np.abs(freq - hz) <= 20]))
        assert level == pytest.approx(amplitude / np.sqrt(2), rel=0.1)  # a sine's RMS
    lines = call_lines(node, "081")
    assert any('"source": "rfc4733"' in line and '"digit": "1"' in line for line in lines)
    assert any('"status": "answered"' in line for line in lines)


def test_hold_and_resume_reinvites_are_accepted(node: Node, tmp_path: Path) -> None:
    """The phone holds the call and resumes it: ivrd answers both re-INVITEs in the dialog with
    a new SDP version each (RFC 3264 §8), recvonly to the hold and sendrecv to the resume; the
    key pressed after the resume still reaches the IVR and the call goes on to the transfer.

    (baresip 1.0.0 itself stops decoding after its own hold/resume, so the audio heard after
    the resume cannot be checked at this phone.)"""
    seed(node, "082")
    target = start_sipp(tmp_path, "callee", callee(200, MOBILE, 500), port=node.outbound_port)
    try:
        with softphone(tmp_path / "phone", voice(tmp_path / "voice.wav")) as phone:
            dial(phone, node, "082")
            phone.command("hold")
            time.sleep(0.5)
            phone.command("resume")
            time.sleep(ADVERTISING_S + HELLO_S + 0.5)  # a foreground prompt discards keys
            phone.command("sndcode", "1")
            assert target.wait(30) == 0, f"transfer target failed:\n{target.errors()}"
            phone.wait_event("CALL_CLOSED", 10)
            output = phone.output()
    finally:
        target.stop()
    answers = re.findall(r"^o=ivrd \S+ (\d+) .*?^a=(\w+)$", output, re.MULTILINE | re.DOTALL)
    assert answers == [("1", "sendrecv"), ("2", "recvonly"), ("3", "sendrecv")]
    lines = call_lines(node, "082")
    assert any('"digit": "1"' in line for line in lines)
    assert any('"status": "answered"' in line for line in lines)
