"""IVR variables: the preset ones, names, and ``${name}`` substitution.

Variables are plain strings in a dict owned by the session. Unknown names substitute as the
empty string (a menu must not break because a service did not set a variable).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ivrd.engine.menu import CallInfo

# Documented: a latin letter first, then latin letters, digits and '_'. Names starting with
# '__' are the engine's own system variables (never settable by a menu rule).
VARIABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

TTS_TEXT = "__tts_text"
TTS_VOICE = "__tts_voice"


def preset(call: CallInfo) -> dict[str, str]:
    """The variables every call starts with."""
    return {
        "called_did": call.called_did,
        "caller_id_name": call.caller_id_name,
        "caller_id_number": call.caller_id_number,
    }


def substitute(template: str, variables: Mapping[str, str]) -> str:
    """Replace every ``${name}`` with the variable's value ('' when unset)."""
    if "${" not in template:
        return template
    return _REFERENCE.sub(lambda m: variables.get(m.group(1), ""), template)


def is_valid_name(name: str) -> bool:
    """Whether ``name`` is a variable name a menu may set."""
    return VARIABLE_NAME.match(name) is not None
