"""A real ivrd process (API + SIP node) on loopback, configured over its HTTP API.

The node runs as ``python -m ivrd serve`` with its own data directory, SQLite database, SIP
port, RTP port range and an outbound proxy address where each test's sipp UAS stands in for
the rest of the world. Its demo tenant's credentials are read from its first-start banner.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from .sipp import free_udp_port

SRC = Path(__file__).resolve().parents[2] / "src"
STARTUP_S = 40


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/runtime/test_" in str(item.path) and "media" not in str(item.path):
            item.add_marker(
                pytest.mark.skipif(
                    shutil.which("sipp") is None, reason="sipp (Debian sip-tester) is not installed"
                )
            )


@dataclass
class Node:
    process: subprocess.Popen[bytes]
    data_dir: Path
    log_path: Path
    http: httpx.Client
    sip_port: int
    outbound_port: int
    client_id: int

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, pattern: str, timeout: float = 20) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.log())
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} never appeared in the node log:\n{self.log()[-4000:]}")


def _free_tcp_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def node_env(
    data_dir: Path, sip_port: int, rtp_base: int, outbound: int | None, rtp_ports: int = 20
) -> dict[str, str]:
    """The environment of an ivrd process on loopback with its own ports (media reports every
    second, so tests and the load benchmark can read the media plane's figures)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "IVRD_DATA_DIR": str(data_dir),
        "IVRD_SIP_LISTEN": f"127.0.0.1:{sip_port}",
        "IVRD_RTP_PORT_MIN": str(rtp_base),
        "IVRD_RTP_PORT_MAX": str(rtp_base + rtp_ports - 1),
        "IVRD_MEDIA_REPORT_S": "1",
    }
    if outbound is not None:
        env["IVRD_SIP_OUTBOUND"] = f"127.0.0.1:{outbound}"
    env.pop("IVRD_DATABASE_URL", None)
    return env


def stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """SIGTERM (the node drains), then SIGKILL if it does not stop in time."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_node(
    data_dir: Path,
    extra_env: dict[str, str] | None = None,
    *,
    sip: bool = True,
    rtp_base: int | None = None,
    rtp_ports: int = 20,
) -> Iterator[Node]:
    """``python -m ivrd serve`` (API, and the SIP node unless ``sip`` is False) with its own
    ports and data directory, logged in over HTTP, until the block ends."""
    http_port, sip_port, outbound = _free_tcp_port(), free_udp_port(), free_udp_port()
    if rtp_base is None:
        rtp_base = 20000 + (sip_port % 600) * 20
    env = {**node_env(data_dir, sip_port, rtp_base, outbound, rtp_ports), **(extra_env or {})}
    log_path = data_dir / "node.log"
    command = [sys.executable, "-m", "ivrd", "serve", "--port", str(http_port), "--grace", "2"]
    command.append("--sip" if sip else "--no-sip")
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    node = Node(process, data_dir, log_path, httpx.Client(timeout=30), sip_port, outbound, 0)
    try:
        app_id = node.wait_for_log(r"Application_ID:\s+(\S+)", STARTUP_S).group(1)
        secret = node.wait_for_log(r"Application_Secret:\s+(\S+)").group(1)
        if sip:
            node.wait_for_log(r"SIP node listening")
        node.wait_for_log(r"Uvicorn running")
        base = f"http://127.0.0.1:{http_port}"
        token = httpx.post(f"{base}/oauth/token", data={
            "grant_type": "client_credentials", "client_id": app_id, "client_secret": secret
        }).json()["access_token"]
        node.http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                                 timeout=30)
        node.client_id = int(node.http.get("/api/ver1.0/user").json()["client_id"])
        yield node
    finally:
        stop(process)
        node.http.close()


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("node")) as running:
        yield running
