"""The sans-IO rules engine: a call session is a pure state machine.

Nothing here imports asyncio, sockets, a database or the clock; time comes in as ``now`` and
side effects go out as commands.
"""
