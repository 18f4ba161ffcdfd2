"""Writing an IVR's contexts, options and rules straight into the database, for tests of
features that read stored menus (checks, pictures) independently of the IVR editing API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ivrd.db import models
from ivrd.db.session import Database

ContextSpec = Mapping[str, Any]  # name, timeout, ..., options: {digits: [rule fields]}
SPECIAL = ("start", "timeout", "invalid")


def store_menu(
    db: Database, extension_id: int, contexts: Sequence[ContextSpec], **ivr: Any
) -> list[int]:
    """Store ``contexts`` for the IVR (the first is the entry unless ``entry_context`` is
    given); returns the contexts' ids. Rules get ids 1, 2, ... in the order given."""
    ids: list[int] = []
    with db.write() as session:
        settings = session.get(models.Ivr, extension_id)
        assert settings is not None, "create the extension with type ivr first"
        next_rule = settings.next_rule_id
        for spec in contexts:
            fields = {k: v for k, v in spec.items() if k != "options"}
            row = models.Context(extension_id=extension_id, **fields)
            session.add(row)
            session.flush()
            ids.append(row.id)
            options = dict.fromkeys(SPECIAL, ()) | dict(spec.get("options", {}))
            for position, (digits, rules) in enumerate(options.items()):
                option = models.ContextOption(context_id=row.id, digits=digits, position=position)
                session.add(option)
                session.flush()
                for order, rule in enumerate(rules):
                    session.add(models.Rule(extension_id=extension_id, rule_id=next_rule,
                                            option_id=option.id, position=order, **rule))
                    next_rule += 1
        settings.next_rule_id = next_rule
        settings.entry_context = ivr.pop("entry_context", ids[0] if ids else None)
        for name, value in ivr.items():
            setattr(settings, name, value)
        settings.version += 1
    return ids
