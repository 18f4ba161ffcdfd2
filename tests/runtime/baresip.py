"""baresip as a real softphone: a config directory per test, driven over ctrl_tcp.

The phone listens on a free loopback port, "says" a WAV file (the aufile source), dumps what it
hears and what it sends as WAV files (the sndfile filter) and takes commands as netstring-framed
JSON (``LEN:{json},``) on its ctrl_tcp port, answering with responses and call events.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .sipp import free_udp_port

MODULES = "/usr/lib/baresip/modules"
STARTUP_S = 10

CONFIG = """\
poll_method epoll
sip_listen 127.0.0.1:{sip_port}
net_interface 127.0.0.1
audio_source aufile,{source}
audio_srate 8000
audio_channels 1
rtp_ports {rtp_min}-{rtp_max}
module_path {modules}
module g711.so
module aufile.so
module sndfile.so
module_app account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{ctrl_port}
snd_path {snd_dir}
"""
ACCOUNT = "<sip:phone@127.0.0.1>;regint=0;audio_codecs=PCMU,PCMA\n"


def free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def netstring(payload: dict[str, str]) -> bytes:
    data = json.dumps(payload).encode()
    return str(len(data)).encode() + b":" + data + b","


@dataclass
class Phone:
    """A running baresip and its control connection."""

    process: subprocess.Popen[bytes]
    directory: Path
    control: socket.socket
    received: list[dict[str, object]] = field(default_factory=list)
    _buffer: bytes = b""

    @property
    def snd_dir(self) -> Path:
        return self.directory / "snd"

    def output(self) -> str:
        return (self.directory / "baresip.out").read_text(errors="replace")

    def command(self, name: str, params: str = "") -> None:
        self.control.sendall(netstring({"command": name, "params": params, "token": name}))

    def wait_event(self, kind: str, timeout: float = 15) -> dict[str, object]:
        """The next event of type ``kind`` (events and responses seen meanwhile are kept)."""
        deadline = time.monotonic() + timeout
        seen = len(self.received)
        while time.monotonic() < deadline:
            for message in self.received[seen:]:
                if message.get("type") == kind:
                    return message
            seen = len(self.received)
            self._read(deadline - time.monotonic())
        kinds = [m.get("type") for m in self.received]
        raise AssertionError(f"no {kind} from baresip (saw {kinds}):\n{self.output()[-3000:]}")

    def _read(self, timeout: float) -> None:
        self.control.settimeout(max(0.05, timeout))
        try:
            chunk = self.control.recv(65536)
        except TimeoutError:
            return
        if not chunk:
            raise AssertionError(f"baresip closed its control port:\n{self.output()[-3000:]}")
        self._buffer += chunk
        while b":" in self._buffer:
            length, _, rest = self._buffer.partition(b":")
            size = int(length)
            if len(rest) < size + 1:
                return
            self.received.append(json.loads(rest[:size]))
            self._buffer = rest[size + 1 :]

    def heard(self) -> Path:
        """The WAV of what the phone received (sndfile's ``-dec`` dump)."""
        dumps = sorted(self.snd_dir.glob("dump-*-dec.wav"))
        assert dumps, f"sndfile dumped nothing:\n{self.output()[-3000:]}"
        return dumps[-1]


def _connect(port: int, process: subprocess.Popen[bytes], log: Path) -> socket.socket:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=1)
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"baresip control port never opened:\n{log.read_text()[-3000:]}")


@contextmanager
def softphone(directory: Path, source: Path) -> Iterator[Phone]:
    """Start baresip with a fresh config under ``directory``; always stopped on exit."""
    (directory / "snd").mkdir(parents=True, exist_ok=True)
    rtp_min = 30000 + (os.getpid() % 90) * 20
    ctrl_port = free_tcp_port()
    (directory / "config").write_text(
        CONFIG.format(
            sip_port=free_udp_port(),
            source=source,
            rtp_min=rtp_min,
            rtp_max=rtp_min + 19,
            modules=MODULES,
            ctrl_port=ctrl_port,
            snd_dir=directory / "snd",
        )
    )
    (directory / "accounts").write_text(ACCOUNT)
    log = directory / "baresip.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["baresip", "-s", "-f", str(directory)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    control: socket.socket | None = None
    try:
        control = _connect(ctrl_port, process, log)
        yield Phone(process, directory, control)
    finally:
        if control is not None:
            control.close()
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
