"""Helpers shared by the SIP tests."""

from __future__ import annotations


def crlf(text: str) -> bytes:
    """Turn a readable message (LF line ends) into wire bytes with CRLF line ends."""
    return text.replace("\n", "\r\n").encode("utf-8")
