"""Tiny real servers on loopback for what calls reach out to: a Call Interactive HTTP
endpoint and an SMTP sink for voicemail notices."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Recorded:
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    mails: list[Message] = field(default_factory=list)


@contextmanager
def interactive_server(answer: str) -> Iterator[tuple[str, Recorded]]:
    """An HTTP server answering every request with the XML ``answer``; yields its URL."""
    recorded = Recorded()

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, params: dict[str, str]) -> None:
            recorded.requests.append((self.command, self.path, params))
            body = answer.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._reply(dict(parse_qsl(urlsplit(self.path).query)))

        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length", "0"))
            self._reply(dict(parse_qsl(self.rfile.read(size).decode())))

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/ci", recorded
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def smtp_sink() -> Iterator[tuple[int, Recorded]]:
    """Enough SMTP (RFC 5321) to accept messages: EHLO/HELO, MAIL, RCPT, DATA, QUIT."""
    recorded = Recorded()

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            self.wfile.write(b"220 sink ESMTP\r\n")
            while line := self.rfile.readline():
                verb = line[:4].upper()
                if verb == b"DATA":
                    self.wfile.write(b"354 go on\r\n")
                    data = bytearray()
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    recorded.mails.append(message_from_bytes(bytes(data)))
                    self.wfile.write(b"250 queued\r\n")
                elif verb == b"QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                elif verb == b"EHLO":
                    self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
                else:
                    self.wfile.write(b"250 ok\r\n")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], recorded
    finally:
        server.shutdown()
        server.server_close()


def free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
