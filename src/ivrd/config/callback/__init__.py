"""Click-to-call: ``POST /extension/{id}/callback/`` rings the caller's phones, then dials."""
