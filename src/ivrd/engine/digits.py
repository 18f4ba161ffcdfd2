"""When a caller's input is complete, and what it selects.

Pure functions over the collected digits and the precomputed key sets of the menu snapshot.
The rule behind ``completion``: a caller never waits for nothing — once the digits select an
option (or a dialable extension) and nothing longer starts with them, the input is complete at
once. Digits that can match nothing are still collected to the end (``digit_len``, ``#`` or the
inter-digit timeout): completing them early would make the rest of a mistyped number land on
the ``invalid`` option's prompt as new input.
"""

from __future__ import annotations

from typing import Literal

from ivrd.engine.menu import Context, Menu

TERMINATOR = "#"
# Longest input when a context sets no digit_len (a guard, not a documented limit).
MAX_INPUT_DIGITS = 32

Selection = tuple[Literal["option", "extension", "invalid"], str]


def max_len(context: Context) -> int:
    """The longest input the context accepts."""
    return context.digit_len or MAX_INPUT_DIGITS


def completion(digits: str, context: Context, menu: Menu, limit: int) -> str | None:
    """Why the input is complete now (for the trace), or None to wait for more digits."""
    if len(digits) >= limit:
        return "digit_len"
    dialable = context.allow_any_dial
    if digits in context.option_prefixes or (dialable and digits in menu.extension_prefixes):
        return None
    if digits in context.digit_options or (dialable and digits in menu.extensions):
        return "unique_match"
    return None


def select(digits: str, context: Context, menu: Menu) -> Selection:
    """The option the input selects, else a dialable extension, else ``invalid``."""
    if digits in context.digit_options:
        return ("option", digits)
    if context.allow_any_dial and digits in menu.extensions:
        return ("extension", digits)
    return ("invalid", "invalid")


# A context's timeout and inter_digit_timeout of 0 (the API's default) mean "the platform's
# default", not "do not wait": see docs/semantics.md.
DEFAULT_INPUT_TIMEOUT_MS = 5000
DEFAULT_INTER_DIGIT_MS = 3000


def input_timeout_ms(context: Context) -> int:
    """How long the context waits for a first digit."""
    return context.timeout or DEFAULT_INPUT_TIMEOUT_MS


def inter_digit_ms(context: Context) -> int:
    """How long the context waits for the next digit."""
    return context.inter_digit_timeout or DEFAULT_INTER_DIGIT_MS
