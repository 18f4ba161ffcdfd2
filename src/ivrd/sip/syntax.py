"""Shared RFC 3261 §25 lexical rules: tokens, quoted strings, parameters and comma lists.

Every header parser is built from these few scanners, so quoting and LWS are handled the
same way everywhere and errors read the same.
"""

from __future__ import annotations

import re

from ivrd.sip.errors import SipParseError

# RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~")
# RFC 3261 §25.1: word adds these separators (used by Call-ID)
WORD_EXTRA_CHARS = frozenset('()<>:\\"/[]?{}')
LWS = " \t"

Params = tuple[tuple[str, str | None], ...]

_TOKEN_RE = re.compile(r"[A-Za-z0-9\-.!%*_+`'~]+")


def is_token(text: str) -> bool:
    """True when `text` is a non-empty RFC 3261 token."""
    return _TOKEN_RE.fullmatch(text) is not None


def is_word(text: str) -> bool:
    """True when `text` is a non-empty RFC 3261 word (Call-ID halves)."""
    return bool(text) and all(c in TOKEN_CHARS or c in WORD_EXTRA_CHARS for c in text)


def read_quoted(text: str, start: int) -> tuple[str, int]:
    """Read the quoted-string opening at `text[start]`; return (unescaped value, index after)."""
    if text[start] != '"':
        raise SipParseError(f"expected '\"' at position {start} in {text!r}")
    out: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\":
            if i + 1 >= len(text):
                break
            out.append(text[i + 1])
            i += 2
            continue
        if char == '"':
            return "".join(out), i + 1
        out.append(char)
        i += 1
    raise SipParseError(f"unterminated quoted string in {text!r}")


def quote(value: str) -> str:
    """Render `value` as a quoted-string, escaping '"' and '\\'."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def split_list(value: str, separator: str = ",") -> list[str]:
    """Split on `separator` outside quoted strings and <...>; elements are stripped."""
    if '"' not in value and "<" not in value:
        return [part.strip(LWS) for part in value.split(separator)]
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    i = 0
    while i < len(value):
        char = value[i]
        if char == '"':
            _, end = read_quoted(value, i)
            current.append(value[i:end])
            i = end
            continue
        if char == "<":
            depth += 1
        elif char == ">":
            depth = max(0, depth - 1)
        if char == separator and depth == 0:
            parts.append("".join(current).strip(LWS))
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current).strip(LWS))
    return parts


def parse_params(text: str, what: str) -> Params:
    """Parse `;name[=value]` parameters (LWS allowed around ';' and '='); `text` starts at ';'.

    Values may be tokens, quoted strings (returned with their quotes, so rendering is exact)
    or IPv6 references. An empty parameter (';;') is an error.
    """
    text = text.strip(LWS)
    if not text:
        return ()
    if text[0] != ";":
        raise SipParseError(f"{what}: expected ';' before parameters, got {text!r}")
    result: list[tuple[str, str | None]] = []
    for raw in split_list(text[1:], ";"):
        result.append(_parse_one_param(raw, what))
    return tuple(result)


def _parse_one_param(raw: str, what: str) -> tuple[str, str | None]:
    if not raw:
        raise SipParseError(f"{what}: empty parameter")
    name, eq, value = raw.partition("=")
    name = name.strip(LWS)
    if not is_token(name):
        raise SipParseError(f"{what}: invalid parameter name {name!r}")
    if not eq:
        return name, None
    value = value.strip(LWS)
    if value.startswith('"'):
        _, end = read_quoted(value, 0)
        if end != len(value):
            raise SipParseError(f"{what}: text after quoted value of parameter {name!r}")
    elif not (is_token(value) or _is_ipv6_ref(value)):
        raise SipParseError(f"{what}: invalid value {value!r} for parameter {name!r}")
    return name, value


def _is_ipv6_ref(value: str) -> bool:
    return re.fullmatch(r"\[[0-9A-Fa-f:.]+\]", value) is not None


def render_params(params: Params) -> str:
    """Render parameters back as `;name=value;flag`."""
    return "".join(f";{n}" if v is None else f";{n}={v}" for n, v in params)


def get_param(params: Params, name: str) -> str | None:
    """Value of the first parameter called `name` (case-insensitive); None if absent or a flag."""
    lowered = name.lower()
    for key, value in params:
        if key.lower() == lowered:
            return value
    return None


def has_param(params: Params, name: str) -> bool:
    """True when a parameter called `name` (case-insensitive) is present."""
    lowered = name.lower()
    return any(key.lower() == lowered for key, _ in params)


def set_param(params: Params, name: str, value: str | None) -> Params:
    """Return `params` with `name` set to `value` (replacing it in place or appended)."""
    lowered = name.lower()
    if has_param(params, name):
        return tuple((k, value) if k.lower() == lowered else (k, v) for k, v in params)
    return (*params, (name, value))


def unquote(value: str | None) -> str | None:
    """Strip a quoted-string's quotes and escapes; tokens are returned unchanged."""
    if value is None or not value.startswith('"'):
        return value
    return read_quoted(value, 0)[0]
