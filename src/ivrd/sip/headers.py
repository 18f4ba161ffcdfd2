"""An immutable, ordered, case-insensitive SIP header collection (RFC 3261 §7.3).

Names are stored in canonical long form (compact forms expanded, §7.3.3), values as the
unfolded text. Multi-value headers are split on commas only on request (`get_all`), outside
quotes and <...>, so a message renders back the way it was received.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from ivrd.sip.syntax import split_list

# RFC 3261 §7.3.3 and the registry of compact forms (RFC 3265, 3515, 3892, 4028, 4474, 3841)
COMPACT_FORMS = {
    "a": "Accept-Contact", "b": "Referred-By", "c": "Content-Type", "d": "Request-Disposition",
    "e": "Content-Encoding", "f": "From", "i": "Call-ID", "j": "Reject-Contact", "k": "Supported",
    "l": "Content-Length", "m": "Contact", "n": "Identity-Info", "o": "Event", "r": "Refer-To",
    "s": "Subject", "t": "To", "u": "Allow-Events", "v": "Via", "x": "Session-Expires",
    "y": "Identity",
}  # fmt: skip

_CANONICAL = {
    name.lower(): name
    for name in (
        "Accept", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow",
        "Authentication-Info", "Authorization", "Call-ID", "Call-Info", "Contact",
        "Content-Disposition",
        "Content-Encoding", "Content-Language", "Content-Length", "Content-Type", "CSeq", "Date",
        "Error-Info", "Expires", "From", "In-Reply-To", "Max-Forwards", "Min-Expires",
        "MIME-Version", "Organization", "Priority", "Proxy-Authenticate", "Proxy-Authorization",
        "Proxy-Require", "Record-Route", "Reply-To", "Require", "Retry-After", "Route", "Server",
        "Subject", "Supported", "Timestamp", "To", "Unsupported", "User-Agent", "Via", "Warning",
        "WWW-Authenticate", "Event", "Allow-Events", "Refer-To", "Referred-By", "Session-Expires",
        "Min-SE", "RSeq", "RAck", "Reason", "Path", "P-Asserted-Identity", "Identity",
        *COMPACT_FORMS.values(),
    )
}  # fmt: skip

# RFC 3261 §7.3.1: headers whose grammar is a comma-separated list
LIST_HEADERS = frozenset(
    {
        "Accept", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow", "Allow-Events",
        "Call-Info", "Contact", "Content-Encoding", "Content-Language", "Error-Info",
        "In-Reply-To", "Path", "Proxy-Require", "Record-Route", "Require", "Route", "Supported",
        "Unsupported", "Via", "Warning", "P-Asserted-Identity", "Reason",
    }
)  # fmt: skip


@lru_cache(maxsize=4096)
def canonical_name(name: str) -> str:
    """Long, canonically-cased form of a header name (unknown names are kept as written)."""
    lowered = name.lower()
    if lowered in COMPACT_FORMS:
        return COMPACT_FORMS[lowered]
    return _CANONICAL.get(lowered, name)


@dataclass(frozen=True, slots=True)
class Headers:
    """Ordered (name, value) pairs; every method returns a new `Headers`."""

    items: tuple[tuple[str, str], ...] = ()
    # values by lower-case name, as tuples: the garbage collector stops tracking tuples of
    # strings (and then the dict), and a node keeps thousands of messages for 32 s (timer J/L)
    _index: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, list[str]] = {}
        for name, value in self.items:
            if name != canonical_name(name):
                raise ValueError(f"header name {name!r} is not canonical; use Headers.of")
            if "\r" in value or "\n" in value:
                raise ValueError(f"header {name} value contains a line break")
            index.setdefault(name.lower(), []).append(value)
        object.__setattr__(self, "_index", {name: tuple(values) for name, values in index.items()})

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Headers:
        """Build from any (name, value) pairs, canonicalising the names."""
        return cls(tuple((canonical_name(n), v) for n, v in pairs))

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.lines(name))

    def lines(self, name: str) -> list[str]:
        """Every header line called `name`, unsplit."""
        return list(self._index.get(canonical_name(name).lower(), ()))

    def get(self, name: str) -> str | None:
        """The first line called `name`, or None."""
        found = self.lines(name)
        return found[0] if found else None

    def get_all(self, name: str) -> list[str]:
        """Every value of `name`: lines in order, list headers split on their commas."""
        lines = self.lines(name)
        if canonical_name(name) not in LIST_HEADERS:
            return lines
        return [value for line in lines for value in split_list(line)]

    def remove(self, name: str) -> Headers:
        wanted = canonical_name(name).lower()
        return Headers(tuple((n, v) for n, v in self.items if n.lower() != wanted))

    def add(self, name: str, value: str, *, first: bool = False) -> Headers:
        """Append a line (or put it before all others, as a proxy adds Via)."""
        pair = (canonical_name(name), value)
        return Headers((pair, *self.items) if first else (*self.items, pair))

    def replace_first(self, name: str, value: str) -> Headers:
        """Replace the first line called `name` (it must exist)."""
        wanted = canonical_name(name).lower()
        index = next(i for i, (n, _) in enumerate(self.items) if n.lower() == wanted)
        items = list(self.items)
        items[index] = (items[index][0], value)
        return Headers(tuple(items))

    def replace(self, name: str, *values: str) -> Headers:
        """Set `name` to exactly `values`, at the position of its first line (or at the end)."""
        canonical = canonical_name(name)
        wanted = canonical.lower()
        new: list[tuple[str, str]] = []
        inserted = False
        for n, v in self.items:
            if n.lower() != wanted:
                new.append((n, v))
            elif not inserted:
                new.extend((canonical, value) for value in values)
                inserted = True
        if not inserted:
            new.extend((canonical, value) for value in values)
        return Headers(tuple(new))
