"""Resolving ``/extension/{id}/ivr/context/{c}/options/{d}/rules/{r}`` inside one IVR.

Every write locks the IVR's row first (``SELECT ... FOR UPDATE``; on SQLite the write
transaction already holds the database lock from ``BEGIN IMMEDIATE``), so concurrent
changes to one menu run one after another: rule ids and positions are computed under the
lock, and ``touch`` bumps the menu's ``version`` in the same transaction and has the menu
recorded as a revision when that transaction commits. Anything outside
the IVR, or of another client, answers 404 like a missing id.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivrd.config.auth.principal import Principal
from ivrd.config.fields import MAX_INT
from ivrd.config.revisions.recorder import record_on_commit, set_author
from ivrd.config.tenancy import extension_for
from ivrd.db.models import Client, Context, ContextOption, Extension, Ivr, Rule
from ivrd.errors import NotFound


def ivr_extension(session: Session, principal: Principal, ref: str) -> Extension:
    if ref.isdigit() and int(ref) > MAX_INT:
        raise NotFound()
    extension = extension_for(session, principal, ref)
    if extension.type != "ivr":
        raise NotFound(f"extension {extension.name} is not an IVR")
    return extension


def ivr_for_read(session: Session, principal: Principal, ref: str) -> Ivr:
    extension = ivr_extension(session, principal, ref)
    ivr = session.get(Ivr, extension.id)
    if ivr is None:
        raise NotFound(f"extension {extension.name} has no IVR configuration")
    return ivr


def ivr_for_write(session: Session, principal: Principal, ref: str) -> Ivr:
    """The IVR, locked until the transaction ends; changes to it are the principal's."""
    extension = ivr_extension(session, principal, ref)
    set_author(session, principal)
    locked = (
        select(Ivr)
        .where(Ivr.extension_id == extension.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    ivr = session.scalar(locked)
    if ivr is None:
        ivr = Ivr(extension_id=extension.id)
        session.add(ivr)
        session.flush()
    return ivr


def touch(ivr: Ivr, source: str = "api") -> None:
    """Record a configuration change: call processing snapshots the menu by version, and the
    menu as it stands at commit becomes revision ``version`` (``source`` says what made it)."""
    ivr.version += 1
    record_on_commit(ivr, source)


def client_of(session: Session, ivr: Ivr) -> Client:
    client = session.scalar(
        select(Client)
        .join(Extension, Extension.client_id == Client.id)
        .where(Extension.id == ivr.extension_id)
    )
    assert client is not None  # an extension always belongs to a client
    return client


def context_in(session: Session, ivr: Ivr, context_id: int) -> Context:
    context = session.get(Context, context_id) if 0 < context_id <= MAX_INT else None
    if context is None or context.extension_id != ivr.extension_id:
        raise NotFound(f"context {context_id} not found")
    return context


def option_in(session: Session, context: Context, digits: str) -> ContextOption:
    option = session.scalar(
        select(ContextOption).where(
            ContextOption.context_id == context.id, ContextOption.digits == digits
        )
    )
    if option is None:
        raise NotFound(f"option {digits} not found in context {context.id}")
    return option


def rules_of(session: Session, option: ContextOption) -> list[Rule]:
    query = select(Rule).where(Rule.option_id == option.id).order_by(Rule.position, Rule.pk)
    return list(session.scalars(query))


def rule_in(session: Session, option: ContextOption, rule_id: int) -> Rule:
    rule = (
        session.scalar(select(Rule).where(Rule.option_id == option.id, Rule.rule_id == rule_id))
        if 0 < rule_id <= MAX_INT
        else None
    )
    if rule is None:
        raise NotFound(f"rule {rule_id} not found in option {option.digits}")
    return rule
