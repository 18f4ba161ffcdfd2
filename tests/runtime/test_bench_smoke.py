"""Smoke runs of the load benchmarks, so they keep working (their figures are not judged
here: tests don't time things; see docs/runtime.md and docs/media-plane.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_bench(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [line for line in done.stdout.splitlines() if line.startswith("| ")]


@pytest.mark.skipif(shutil.which("sipp") is None, reason="sipp (Debian sip-tester) not installed")
def test_sip_load_places_every_call_and_hears_every_key() -> None:
    header, row = run_bench(
        "sip_load.py", "--calls", "4", "--rate", "4", "--hold", "7", "--digit-at", "3"
    )
    columns = dict(zip(header.split("|")[1:-1], row.split("|")[1:-1], strict=True))
    values = {name.strip(): value.strip() for name, value in columns.items()}
    assert values["calls"] == "4" and values["failed"] == "0" and values["held"] == "4"
    assert values["lost"] == "0" and values["DTMF missed"] == "0"


def test_media_bench_sends_and_receives_every_packet() -> None:
    header, row = run_bench("media.py", "--streams", "20", "--seconds", "2")
    values = {
        name.strip(): value.strip()
        for name, value in zip(header.split("|")[1:-1], row.split("|")[1:-1], strict=True)
    }
    assert values["streams"] == "20" and values["loss"] == "0" and values["lost back"] == "0"
    assert int(values["sent"]) == int(values["at phones"]) > 0
