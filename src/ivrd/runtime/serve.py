"""Run the API (uvicorn) and the SIP node in one event loop, and stop them cleanly.

SIGINT/SIGTERM stop the API first (uvicorn finishes its requests), then drain the node.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

import uvicorn
from fastapi import FastAPI

from ivrd.db.session import Database
from ivrd.runtime.node import Node
from ivrd.settings import Settings

log = logging.getLogger("ivrd.serve")


async def run(
    settings: Settings,
    db: Database,
    server: uvicorn.Server | None,
    *,
    sip: bool,
    grace_s: float,
    app: FastAPI | None = None,
) -> None:
    """``app``: the API ``server`` serves, which hands click-to-calls to this process's node."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    node = await Node.start(settings, db) if sip else None
    if app is not None and node is not None:
        app.state.dialer = node  # click-to-call from the API (config/callback)
    gc.freeze()  # everything loaded so far lives for good: keep it out of full collections
    api = loop.create_task(server.serve()) if server is not None else None
    waiters = [loop.create_task(stop.wait())] + ([api] if api is not None else [])
    await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    if server is not None and api is not None:
        server.should_exit = True
        await api
    if node is not None:
        log.info("draining %d call(s)", node.calls)
        await node.drain(grace_s)
        await node.close()
    for waiter in waiters:
        waiter.cancel()
    db.dispose()
    log.info("stopped")
