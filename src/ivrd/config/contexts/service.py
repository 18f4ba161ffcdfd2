"""Contexts: each is born with its built-in options; deleting one still referred to is 409."""

from __future__ import annotations

from sqlalchemy import delete, select

from ivrd.config.auth.principal import Principal
from ivrd.config.contexts.schemas import ContextCreate, ContextRead, ContextUpdate
from ivrd.config.fields import BUILTIN_OPTIONS
from ivrd.config.ivr.scope import context_in, ivr_for_read, ivr_for_write, touch
from ivrd.config.references import conflict_message, context_referrers
from ivrd.db.models import Context, ContextOption, Rule
from ivrd.db.session import Database
from ivrd.errors import Conflict

NULLABLE = ("extra_params", "description")


def to_read(context: Context) -> ContextRead:
    return ContextRead(
        id=context.id,
        name=context.name,
        timeout=context.timeout,
        inter_digit_timeout=context.inter_digit_timeout,
        allow_any_dial=context.allow_any_dial,
        digit_len=context.digit_len,
        extra_params=context.extra_params,
        description=context.description,
    )


def list_contexts(db: Database, principal: Principal, extension_ref: str) -> list[ContextRead]:
    with db.read() as session:
        ivr = ivr_for_read(session, principal, extension_ref)
        query = select(Context).where(Context.extension_id == ivr.extension_id)
        return [to_read(c) for c in session.scalars(query.order_by(Context.id))]


def get_context(
    db: Database, principal: Principal, extension_ref: str, context_id: int
) -> ContextRead:
    with db.read() as session:
        ivr = ivr_for_read(session, principal, extension_ref)
        return to_read(context_in(session, ivr, context_id))


def create_context(
    db: Database, principal: Principal, extension_ref: str, body: ContextCreate
) -> ContextRead:
    with db.write() as session:
        ivr = ivr_for_write(session, principal, extension_ref)
        context = Context(extension_id=ivr.extension_id, **body.model_dump())
        session.add(context)
        session.flush()
        for position, digits in enumerate(BUILTIN_OPTIONS):
            session.add(ContextOption(context_id=context.id, digits=digits, position=position))
        touch(ivr)
        session.flush()
        return to_read(context)


def update_context(
    db: Database, principal: Principal, extension_ref: str, context_id: int, body: ContextUpdate
) -> ContextRead:
    with db.write() as session:
        ivr = ivr_for_write(session, principal, extension_ref)
        context = context_in(session, ivr, context_id)
        for key, value in body.model_dump(exclude_unset=True).items():
            if value is not None or key in NULLABLE:
                setattr(context, key, value)
        touch(ivr)
        session.flush()
        return to_read(context)


def delete_context(
    db: Database, principal: Principal, extension_ref: str, context_id: int
) -> ContextRead:
    """Deletes the context with its options and their rules, unless something else uses it."""
    with db.write() as session:
        ivr = ivr_for_write(session, principal, extension_ref)
        context = context_in(session, ivr, context_id)
        referrers = context_referrers(session, ivr, context.id)
        if referrers:
            raise Conflict(conflict_message(f"context {context.id}", referrers))
        answer = to_read(context)
        options = select(ContextOption.id).where(ContextOption.context_id == context.id)
        session.execute(
            delete(Rule).where(Rule.option_id.in_(options)),
            execution_options={"synchronize_session": False},
        )
        session.execute(
            delete(ContextOption).where(ContextOption.context_id == context.id),
            execution_options={"synchronize_session": False},
        )
        session.delete(context)
        touch(ivr)
        return answer
