"""The one family of errors services raise; ``api/errors.py`` maps it to HTTP once.

Each carries the HTTP status the provider's API uses for it and a message that names the
field or the reason, because the answer body is ``{"message": ...}`` and nothing else.
"""

from __future__ import annotations


class IvrdError(Exception):
    status: int = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def details(self) -> dict[str, object]:
        """Fields the answer carries besides ``message`` (none unless a subclass says so)."""
        return {}


class BadRequest(IvrdError):
    status = 400


class InvalidDocument(BadRequest):
    """A document refused as a whole; ``errors`` lists every problem found, each with the
    path to the offending value (``contexts[0].options[1].rules[2].transfer_dst``)."""

    def __init__(self, message: str, errors: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.errors = errors

    def details(self) -> dict[str, object]:
        return {"errors": self.errors}


class Unauthorized(IvrdError):
    status = 401


class Forbidden(IvrdError):
    status = 403


class NotFound(IvrdError):
    status = 404

    def __init__(self, message: str = "Record not found") -> None:
        super().__init__(message)


class Conflict(IvrdError):
    status = 409


class ServiceUnavailable(IvrdError):
    """The request is fine but this process cannot carry it out (e.g. no SIP node in it)."""

    status = 503


class OAuthError(Exception):
    """An OAuth2 error answered in OAuth2 form: ``{"error": ..., "error_description": ...}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status
