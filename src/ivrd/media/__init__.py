"""Audio at rest: decoding uploads once into telephony-ready PCM, prompt and digit audio."""
