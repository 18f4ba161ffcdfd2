"""Call Interactive: turn the customer's XML answer into verbs the engine can run.

A ``call_interactive`` rule asks the customer's web server what to do; the server answers
``<?xml ...?><Response>verbs…</Response>``. That body comes from outside our control, so it is
parsed here, purely, and refused safely when hostile: the size is capped before parsing, DTDs
(and with them entity expansion and external entities) are forbidden, and the verb count is
capped. The engine runs the verbs in document order; an answer this module refuses makes the
engine go on to the next rule, exactly like a timeout or a non-2xx status.

Known verbs with bad attributes are refused (a half-understood answer must not run); unknown
elements are skipped and reported in ``InteractiveAnswer.skipped`` so the engine can trace them.
See docs/call-interactive.md for the verb syntax and the choices made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeAlias
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

MAX_BODY_BYTES = 64 * 1024  # checked before parsing
MAX_VERBS = 100  # direct children of <Response>, known or not
DEFAULT_PAUSE_SECONDS = 10  # platform.md: <Pause> waits 10 s unless told
MAX_PAUSE_SECONDS = 3600
MAX_TRANSFER_TIMEOUT = 3600
MAX_TRANSFER_NUMBERS = 100
MAX_SPEECH_CHARS = 4000
ROOT_TAG = "Response"

_VARIABLE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")  # the set_variable_name rule of the seed
_OPTION = re.compile(r"start|timeout|invalid|[0-9*#]{1,32}")
_NUMBER = re.compile(r"\+?[0-9*#]{1,32}")
_CALLER_NUMBER = re.compile(r"[A-Za-z0-9+*#._-]{1,64}")
_VOICE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_DIGITS = re.compile(r"[0-9]{1,9}")  # bounded: int() of a huge string is slow and limited
_FILENAME_FORBIDDEN = re.compile(r"[/\\\x00-\x1f\x7f]")
_TRUE = frozenset({"yes", "true", "1"})
_FALSE = frozenset({"no", "false", "0"})

Where: TypeAlias = Literal["background", "foreground"]


class InteractiveError(ValueError):
    """The answer cannot be run; the message says exactly why."""


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise InteractiveError(message)


def _check_variable(attribute: str, name: str) -> None:
    _require(
        bool(_VARIABLE.fullmatch(name)),
        f"{attribute}: must be a variable name (a latin letter, then latin letters, digits "
        f"or _; at most 64), got {name!r}",
    )


@dataclass(frozen=True, slots=True)
class Hangup:
    """End the call."""


@dataclass(frozen=True, slots=True)
class Pause:
    """Wait ``seconds`` (the XML attribute ``length``)."""

    seconds: int = DEFAULT_PAUSE_SECONDS

    def __post_init__(self) -> None:
        _require(
            0 <= self.seconds <= MAX_PAUSE_SECONDS,
            f"length: must be between 0 and {MAX_PAUSE_SECONDS} seconds, got {self.seconds}",
        )


@dataclass(frozen=True, slots=True)
class SetVar:
    """Set the IVR variable ``name`` to ``value``."""

    name: str
    value: str

    def __post_init__(self) -> None:
        _check_variable("name", self.name)


@dataclass(frozen=True, slots=True)
class Jump:
    """Go to ``option`` of the context with id ``context``."""

    context: int
    option: str = "start"

    def __post_init__(self) -> None:
        _require(
            self.context >= 1, f"context: must be a context id (1 or more), got {self.context}"
        )
        _require(
            bool(_OPTION.fullmatch(self.option)),
            f"option: must be start, timeout, invalid or digits, got {self.option!r}",
        )


@dataclass(frozen=True, slots=True)
class SetCaller:
    """Caller name and/or number for later transfers; ``None`` leaves a part unchanged."""

    name: str | None = None
    number: str | None = None

    def __post_init__(self) -> None:
        _require(self.name is not None or self.number is not None, "needs a name or a number")
        if self.name is not None:
            _require(
                len(self.name) <= 128 and self.name.isprintable(),
                f"name: must be at most 128 printable characters, got {self.name!r}",
            )
        if self.number is not None:
            _require(
                bool(_CALLER_NUMBER.fullmatch(self.number)),
                f"number: must be 1-64 of A-Z a-z 0-9 + * # . _ -, got {self.number!r}",
            )


@dataclass(frozen=True, slots=True)
class PlaySound:
    """Play a stored sound; in background, digits pressed go into ``digitvar``."""

    filename: str
    where: Where = "foreground"
    digitvar: str | None = None

    def __post_init__(self) -> None:
        _require(bool(self.filename), "text: must name a stored sound file")
        _require(
            len(self.filename) <= 255
            and self.filename not in {".", ".."}
            and not _FILENAME_FORBIDDEN.search(self.filename),
            f"text: must be a plain file name (no path), got {self.filename!r}",
        )
        _require(
            self.where in ("background", "foreground"),
            f"where: must be background or foreground, got {self.where!r}",
        )
        if self.digitvar is not None:
            _check_variable("digitvar", self.digitvar)
            _require(self.where == "background", "digitvar: only allowed with where=background")


@dataclass(frozen=True, slots=True)
class SimpleTransfer:
    """Ring ``numbers`` together; with ``final`` the call ends when the bridged call ends."""

    numbers: tuple[str, ...]
    final: bool = True
    timeout: int | None = None

    def __post_init__(self) -> None:
        _require(bool(self.numbers), "text: needs at least one number")
        _require(
            len(self.numbers) <= MAX_TRANSFER_NUMBERS,
            f"text: at most {MAX_TRANSFER_NUMBERS} numbers, got {len(self.numbers)}",
        )
        for number in self.numbers:
            _require(
                bool(_NUMBER.fullmatch(number)),
                f"text: {number!r} is not a number (digits, * and #, an optional leading +)",
            )
        if self.timeout is not None:
            _require(
                1 <= self.timeout <= MAX_TRANSFER_TIMEOUT,
                f"timeout: must be between 1 and {MAX_TRANSFER_TIMEOUT} seconds, "
                f"got {self.timeout}",
            )


@dataclass(frozen=True, slots=True)
class TextToSpeech:
    """Synthesize ``text``; rules with ``play_sound_from_variable`` play the result."""

    text: str
    voice: str | None = None

    def __post_init__(self) -> None:
        _require(bool(self.text), "text: must not be empty")
        _require(
            len(self.text) <= MAX_SPEECH_CHARS,
            f"text: at most {MAX_SPEECH_CHARS} characters, got {len(self.text)}",
        )
        if self.voice is not None:
            _require(
                bool(_VOICE.fullmatch(self.voice)),
                f"voice: must be 1-64 of A-Z a-z 0-9 _ . -, got {self.voice!r}",
            )


Verb: TypeAlias = (
    Hangup | Pause | SetVar | Jump | SetCaller | PlaySound | SimpleTransfer | TextToSpeech
)


@dataclass(frozen=True, slots=True)
class InteractiveAnswer:
    """The verbs to run, in document order, and the tags of unknown elements skipped."""

    verbs: tuple[Verb, ...]
    skipped: tuple[str, ...] = ()


def parse_response(body: bytes) -> tuple[Verb, ...]:
    """The verbs of a Call Interactive answer, in order; InteractiveError if it cannot run."""
    return parse_answer(body).verbs


def parse_answer(body: bytes) -> InteractiveAnswer:
    """Like ``parse_response``, also reporting the unknown elements that were skipped."""
    root = _parse_xml(body)
    _require(root.tag == ROOT_TAG, f"root element must be <{ROOT_TAG}>, got <{root.tag}>")
    children = list(root)
    _require(len(children) <= MAX_VERBS, f"at most {MAX_VERBS} verbs, got {len(children)}")
    verbs: list[Verb] = []
    skipped: list[str] = []
    for index, element in enumerate(children, start=1):
        verb_parser = _VERB_PARSERS.get(str(element.tag))
        if verb_parser is None:
            skipped.append(str(element.tag))
            continue
        try:
            verbs.append(verb_parser(element))
        except InteractiveError as exc:
            raise InteractiveError(f"verb {index} <{element.tag}> {exc}") from None
    return InteractiveAnswer(tuple(verbs), tuple(skipped))


# --- XML --------------------------------------------------------------------------------------


def _parse_xml(body: bytes) -> Element:
    _require(
        len(body) <= MAX_BODY_BYTES,
        f"body: {len(body)} bytes is over the {MAX_BODY_BYTES}-byte limit",
    )
    stripped = body.lstrip(b" \t\r\n")
    _require(bool(stripped), "body: empty")
    if stripped.startswith(b"<"):  # a stray newline before <?xml is a common server slip
        body = stripped
    try:
        root: Element = defusedxml.ElementTree.fromstring(body, forbid_dtd=True)
    except defusedxml.DTDForbidden:
        raise InteractiveError("XML: a DTD is not allowed") from None
    except defusedxml.DefusedXmlException as exc:  # unreachable while every DTD is refused
        raise InteractiveError(f"XML: forbidden construct ({type(exc).__name__})") from None
    except ParseError as exc:
        raise InteractiveError(f"XML: malformed ({exc})") from None
    except (LookupError, ValueError) as exc:  # unknown or multi-byte declared encodings
        raise InteractiveError(f"XML: unsupported encoding ({exc})") from None
    return root


def _empty(element: Element) -> None:
    _leaf(element)
    text = _text(element)
    _require(not text, f"must be empty, got text {text!r}")


def _leaf(element: Element) -> None:
    _require(len(element) == 0, "must not contain elements")


def _text(element: Element) -> str:
    return (element.text or "").strip()


def _attr(element: Element, name: str) -> str | None:
    value = element.get(name)
    return None if value is None else value.strip()


def _int_attr(element: Element, name: str, expected: str) -> int | None:
    value = _attr(element, name)
    if value is None:
        return None
    _require(bool(_DIGITS.fullmatch(value)), f"{name}: must be {expected}, got {value!r}")
    return int(value)


def _bool_attr(element: Element, name: str, default: bool) -> bool:
    value = _attr(element, name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    _require(value.lower() in _FALSE, f"{name}: must be yes/no, true/false or 1/0, got {value!r}")
    return False


# --- one parser per verb ----------------------------------------------------------------------


def _hangup(element: Element) -> Hangup:
    _empty(element)
    return Hangup()


def _pause(element: Element) -> Pause:
    _empty(element)
    length = _int_attr(element, "length", "a whole number of seconds")
    return Pause(DEFAULT_PAUSE_SECONDS if length is None else length)


def _set_var(element: Element) -> SetVar:
    _leaf(element)
    name = _attr(element, "name")
    if name is None:
        raise InteractiveError("name: required")
    return SetVar(name, _text(element))


def _jump(element: Element) -> Jump:
    _empty(element)
    context = _int_attr(element, "context", "a context id (a whole number)")
    if context is None:
        raise InteractiveError("context: required")
    return Jump(context, _attr(element, "option") or "start")


def _set_caller(element: Element) -> SetCaller:
    _empty(element)
    return SetCaller(_attr(element, "name"), _attr(element, "number"))


def _play_sound(element: Element) -> PlaySound:
    _leaf(element)
    return PlaySound(_text(element), _where(element), _attr(element, "digitvar"))


def _where(element: Element) -> Where:
    where = _attr(element, "where")
    if where is None or where == "foreground":
        return "foreground"
    if where == "background":
        return "background"
    raise InteractiveError(f"where: must be background or foreground, got {where!r}")


def _simple_transfer(element: Element) -> SimpleTransfer:
    _leaf(element)
    numbers = tuple(part.strip() for part in _text(element).split(",") if part.strip())
    return SimpleTransfer(
        numbers,
        final=_bool_attr(element, "final", default=True),
        timeout=_int_attr(element, "timeout", "a whole number of seconds"),
    )


def _text_to_speech(element: Element) -> TextToSpeech:
    _leaf(element)
    return TextToSpeech(" ".join(_text(element).split()), _attr(element, "voice"))


_VERB_PARSERS: dict[str, Callable[[Element], Verb]] = {
    "Hangup": _hangup,
    "Pause": _pause,
    "SetVar": _set_var,
    "Jump": _jump,
    "SetCaller": _set_caller,
    "PlaySound": _play_sound,
    "SimpleTransfer": _simple_transfer,
    "TextToSpeech": _text_to_speech,
}
