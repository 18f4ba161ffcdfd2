"""Field types shared by the voice-menu schemas: bounded numbers, ids, names, URLs, numbers.

Every number is bounded to what the database column holds, so no input can reach the
database and fail there (a 500); every message names what is wrong in words a user knows.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from ivrd.config.types import INT32_MAX

MAX_INT = INT32_MAX
MAX_TRANSFER_NUMBERS = 10

VARIABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
VARIABLE_REF = re.compile(r"\$\{([^}]*)\}")
OPTION_DIGITS = re.compile(r"[0-9*#]+")
DIAL_NUMBER = re.compile(r"\+?(?:[0-9*#]|\$\{[A-Za-z][A-Za-z0-9_]*\})+")
PLAIN_NUMBER = re.compile(r"\+?[0-9*#]{1,32}")  # a number as dialled, no variables
EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")
BUILTIN_OPTIONS = ("start", "timeout", "invalid")

SoundType = Literal["background", "foreground"]
PlayDigitsMethod = Literal["pronounced", "iterated"]
CallerIdAction = Literal["matches", "not_matches", "anonymous", "any"]
CallStatus = Literal["no_answer", "busy", "any"]
HttpMethod = Literal["GET", "POST"]
LifetimeAction = Literal["transfer", "hangup"]


def _zero_is_none(value: int | None) -> int | None:
    return value or None


def _variable_name(value: str) -> str:
    if not VARIABLE_NAME.fullmatch(value):
        raise ValueError("must start with a latin letter and hold only latin letters, digits and _")
    return value


def check_variable_refs(value: str) -> str:
    """``${name}`` references inside a text must name valid variables."""
    for ref in VARIABLE_REF.findall(value):
        if not VARIABLE_NAME.fullmatch(ref):
            raise ValueError(f"${{{ref}}} is not a valid variable reference")
    if value.count("${") != len(VARIABLE_REF.findall(value)):
        raise ValueError("unterminated ${ variable reference")
    return value


def _url(value: str) -> str:
    if not value.startswith(("http://", "https://")) or len(value) <= len("https://"):
        raise ValueError("must start with http:// or https://")
    if any(ch.isspace() for ch in value):
        raise ValueError("must not contain spaces")
    return check_variable_refs(value)


def _option_digits(value: str) -> str:
    if not OPTION_DIGITS.fullmatch(value):
        raise ValueError("must be made of the characters 0-9, * and #")
    return value


def _option_key(value: str) -> str:
    return value if value in BUILTIN_OPTIONS else _option_digits(value)


def int_to_str(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def destinations(value: str, limit: int | None) -> str:
    """Space-separated numbers to ring together; at most ``limit`` of them."""
    numbers = value.split()
    if not numbers:
        raise ValueError("at least one number is required")
    for number in numbers:
        if not DIAL_NUMBER.fullmatch(number):
            raise ValueError(f"{number!r} is not a number (digits, *, #, a leading +, ${{var}})")
    if limit is not None and len(numbers) > limit:
        raise ValueError(
            f"at most {limit} numbers (got {len(numbers)}); use simple_transfer for more"
        )
    return " ".join(numbers)


def _emails(value: str) -> str:
    for address in (a.strip() for a in value.split(",")):
        if not EMAIL.fullmatch(address):
            raise ValueError(f"{address!r} is not an e-mail address")
    return value


RefId = Annotated[int | None, Field(ge=0, le=MAX_INT), AfterValidator(_zero_is_none)]
"""The id of another object; ``0`` (the source's documented default) means none."""
VariableName = Annotated[str, Field(max_length=100), AfterValidator(_variable_name)]
Url = Annotated[str, Field(max_length=2000), AfterValidator(_url)]
OptionDigits = Annotated[str, Field(min_length=1, max_length=50), AfterValidator(_option_digits)]
OptionKey = Annotated[
    str,
    BeforeValidator(int_to_str),
    Field(min_length=1, max_length=50),
    AfterValidator(_option_key),
]
"""``start``, ``timeout``, ``invalid`` or an added option's digits (an integer is accepted)."""
TransferDst = Annotated[
    str,
    Field(max_length=2000),
    AfterValidator(lambda v: destinations(v, MAX_TRANSFER_NUMBERS)),
]
ManyDst = Annotated[str, Field(max_length=2000), AfterValidator(lambda v: destinations(v, None))]
Template = Annotated[str, Field(max_length=200), AfterValidator(check_variable_refs)]
Emails = Annotated[str, Field(max_length=1000), AfterValidator(_emails)]
