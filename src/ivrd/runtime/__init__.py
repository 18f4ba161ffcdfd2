"""The only asyncio and socket code: SIP endpoint, RTP streams, call driver, timers."""
