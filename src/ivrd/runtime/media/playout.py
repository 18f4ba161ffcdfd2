"""What a leg sends next: a queue of pre-encoded audio items, sliced into 20 ms frames.

An item is a prompt or assembled digit clips (a :class:`StoredAudio`, already encoded in both
G.711 laws, so the law negotiated — or renegotiated by a re-INVITE — is picked per frame
without re-encoding), or a pause of silence. Every item carries the caller's play id and gets
exactly one :class:`PlaybackFinished`: ``interrupted=False`` after its last frame went out,
``interrupted=True`` when :meth:`Playout.stop` (barge-in, hang-up) threw it away. The queue
never calls back itself; it hands each finished item to ``notify`` and the leg defers the
call to the event loop, so callbacks never run in the middle of a scheduler tick.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ivrd.media.stored import StoredAudio
from ivrd.rtp import g711

__all__ = ["FRAME_MS", "OnDone", "PlaybackFinished", "Playout", "frames_for_ms"]

FRAME_MS = 20  # RFC 3551 §4.5 G.711 default packetisation
FRAME_BYTES = 160  # G.711: one byte per 8 kHz sample


@dataclass(frozen=True, slots=True)
class PlaybackFinished:
    """The end of one queued item: played to its end, or interrupted."""

    play_id: str
    interrupted: bool
    frames: int  # frames of this item that were sent (or consumed while on hold)

    def __post_init__(self) -> None:
        if self.frames < 0:
            raise ValueError(f"frames played must not be negative, got {self.frames}")


OnDone = Callable[[PlaybackFinished], None]
Notify = Callable[[PlaybackFinished, "OnDone | None"], None]


def _ignore(event: PlaybackFinished, on_done: OnDone | None) -> None:
    """The notify of a detached playout."""


def frames_for_ms(ms: int) -> int:
    """Whole frames covering ``ms`` milliseconds (rounded up)."""
    if ms < 0:
        raise ValueError(f"duration must not be negative, got {ms} ms")
    return -(-ms // FRAME_MS)


class _Item:
    __slots__ = ("audio", "frames", "on_done", "play_id", "sent")

    def __init__(
        self, audio: StoredAudio | None, frames: int, play_id: str, on_done: OnDone | None
    ) -> None:
        self.audio = audio  # None: silence
        self.frames = frames
        self.play_id = play_id
        self.on_done = on_done
        self.sent = 0


class Playout:
    """FIFO of items for one leg; :meth:`next_frame` is called once per 20 ms tick."""

    __slots__ = ("_items", "_notify", "_silence", "_ulaw")

    def __init__(self, codec_pt: int, notify: Notify) -> None:
        self._notify = notify
        self._items: deque[_Item] = deque()
        self._ulaw = True
        self._silence = b""
        self.set_codec(codec_pt)

    def set_codec(self, codec_pt: int) -> None:
        """Send μ-law (PT 0) or A-law (PT 8) from the next frame on."""
        if codec_pt not in (g711.PT_PCMU, g711.PT_PCMA):
            raise ValueError(f"codec payload type {codec_pt} is not G.711 (0 PCMU or 8 PCMA)")
        self._ulaw = codec_pt == g711.PT_PCMU
        silence = g711.ULAW_SILENCE if self._ulaw else g711.ALAW_SILENCE
        self._silence = bytes((silence,)) * FRAME_BYTES

    @property
    def busy(self) -> bool:
        """Whether anything is queued or playing."""
        return bool(self._items)

    def add_audio(self, audio: StoredAudio, play_id: str, on_done: OnDone | None) -> None:
        """Queue a sound; an empty one finishes at once (not interrupted)."""
        frames = -(-len(audio.ulaw) // FRAME_BYTES)
        self._add(_Item(audio, frames, play_id, on_done))

    def add_silence(self, ms: int, play_id: str, on_done: OnDone | None) -> None:
        self._add(_Item(None, frames_for_ms(ms), play_id, on_done))

    def next_frame(self) -> bytes | None:
        """The next 160-byte payload, or None when there is nothing to play."""
        items = self._items
        if not items:
            return None
        item = items[0]
        index = item.sent
        item.sent = index + 1
        frame = self._slice(item.audio, index)
        if item.sent == item.frames:
            items.popleft()
            self._notify(PlaybackFinished(item.play_id, False, item.sent), item.on_done)
        return frame

    def stop(self) -> int:
        """Drop everything queued, each item reported interrupted; return how many."""
        items, self._items = self._items, deque()
        for item in items:
            self._notify(PlaybackFinished(item.play_id, True, item.sent), item.on_done)
        return len(items)

    def detach(self) -> None:
        """Stop reporting to the owner (it is closed; everything queued was reported)."""
        self._notify = _ignore

    def _add(self, item: _Item) -> None:
        if item.frames == 0:
            self._notify(PlaybackFinished(item.play_id, False, 0), item.on_done)
        else:
            self._items.append(item)

    def _slice(self, audio: StoredAudio | None, index: int) -> bytes:
        if audio is None:
            return self._silence
        data = audio.ulaw if self._ulaw else audio.alaw
        start = index * FRAME_BYTES
        frame = data[start : start + FRAME_BYTES]
        if len(frame) < FRAME_BYTES:  # the item's last, partial frame
            frame += self._silence[len(frame) :]
        return frame
