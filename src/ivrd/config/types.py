"""Shared field types of the API schemas.

Integers are bounded to what a 32-bit database column holds, so an oversized number is a 400
naming the field rather than a database error.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

INT32_MAX = 2**31 - 1
ID_PATTERN = re.compile(r"^[0-9]{1,10}$")

Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
Id = Annotated[int, Field(ge=1, le=INT32_MAX)]


def parse_id(ref: str) -> int | None:
    """A path id as an int, or None when it is not a plain ASCII number a row could have."""
    if not ID_PATTERN.match(ref):
        return None
    value = int(ref)
    return value if 1 <= value <= INT32_MAX else None
