"""What every call on a node shares: sockets, media, lookups, results and settings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from ivrd.runtime.audio import AudioLibrary
from ivrd.runtime.directory import Directory
from ivrd.runtime.media import MediaEngine
from ivrd.runtime.results import Results
from ivrd.runtime.sipnode import SipNode
from ivrd.settings import Settings

if TYPE_CHECKING:
    from ivrd.runtime.call import InboundCall
    from ivrd.runtime.clicktocall import ClickToCall
    from ivrd.runtime.registrar import Registrar


@dataclass
class NodeContext:
    loop: asyncio.AbstractEventLoop
    settings: Settings
    sip: SipNode
    media: MediaEngine
    directory: Directory
    audio: AudioLibrary
    results: Results
    http: httpx.AsyncClient
    registrar: Registrar
    calls: set[InboundCall] = field(default_factory=set)
    callbacks: set[ClickToCall] = field(default_factory=set)  # click-to-calls in progress
