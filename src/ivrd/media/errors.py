"""The one base error of the media layer: an upload or a stored file we cannot use.

The message names the form field and says why, so the API can answer 400 ``{"message": ...}``
with it unchanged.
"""

from __future__ import annotations


class SoundError(ValueError):
    """Audio that is refused (uploads) or unusable (stored files, voice packs)."""
