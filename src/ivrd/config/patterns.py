"""Caller-id patterns: compiled at save time with RE2, so no stored pattern can hang a call.

The source documents PCRE. RE2 runs every pattern in time linear in the input, and refuses
the PCRE constructs that need backtracking; the refusal names the construct, so the user
knows what to rewrite.
"""

from __future__ import annotations

import re

import re2

MAX_PATTERN_MEMORY = 1 << 20  # bytes of compiled program; caller numbers are short

# PCRE constructs RE2 cannot run, tested in this order: (regex, how the message names it;
# "{0}" is the construct as found in the pattern)
UNSUPPORTED = (
    (re.compile(r"\(\?<?[=!]"), "look-around {0}...)"),
    (re.compile(r"\\[1-9]|\\k[<{']|\(\?P="), "backreference {0}"),
    (re.compile(r"\(\?>"), "atomic group (?>...)"),
    (re.compile(r"[*+?}]\+"), "possessive quantifier {0}"),
    (re.compile(r"\(\?(?:R|[0-9]|&)"), "recursion {0}...)"),
    (re.compile(r"\(\?\("), "conditional (?(...)...)"),
)


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_PATTERN_MEMORY
    return options


def check_caller_id(pattern: str) -> str:
    """The pattern itself, or ValueError saying why RE2 cannot run it."""
    try:
        re2.compile(pattern, _options())
    except re2.error as exc:
        for detector, construct in UNSUPPORTED:
            found = detector.search(pattern)
            if found:
                raise ValueError(
                    f"{construct.format(found.group(0))} is not supported; "
                    "patterns must run in linear time"
                ) from exc
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise ValueError(f"invalid pattern: {reason}") from exc
    return pattern
