"""Options: built-ins listed first and undeletable; added ones listed newest first.

The seed's step 11 lists ``start, timeout, invalid, 2, 1`` after "1" then "2" were added:
the only order that fits without depending on the digits themselves is newest first.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select

from ivrd.config.auth.principal import Principal
from ivrd.config.fields import BUILTIN_OPTIONS
from ivrd.config.ivr.scope import context_in, ivr_for_read, ivr_for_write, option_in, touch
from ivrd.config.options.schemas import OptionCreate, OptionRead
from ivrd.config.references import conflict_message, option_referrers
from ivrd.db.models import ContextOption, Rule
from ivrd.db.session import Database
from ivrd.errors import BadRequest, Conflict


def listing_key(option: ContextOption) -> tuple[int, int]:
    """Built-ins in their fixed order, then added options newest first."""
    if option.digits in BUILTIN_OPTIONS:
        return (0, BUILTIN_OPTIONS.index(option.digits))
    return (1, -option.position)


def list_options(
    db: Database, principal: Principal, extension_ref: str, context_id: int
) -> list[OptionRead]:
    with db.read() as session:
        context = context_in(session, ivr_for_read(session, principal, extension_ref), context_id)
        query = select(ContextOption).where(ContextOption.context_id == context.id)
        options = sorted(session.scalars(query), key=listing_key)
        return [OptionRead(digits=option.digits) for option in options]


def create_option(
    db: Database, principal: Principal, extension_ref: str, context_id: int, body: OptionCreate
) -> OptionRead:
    with db.write() as session:
        ivr = ivr_for_write(session, principal, extension_ref)
        context = context_in(session, ivr, context_id)
        taken = select(ContextOption.id).where(
            ContextOption.context_id == context.id, ContextOption.digits == body.digits
        )
        if session.scalar(taken) is not None:
            raise Conflict(f"digits: option {body.digits} already exists in context {context.id}")
        last = select(func.max(ContextOption.position)).where(
            ContextOption.context_id == context.id
        )
        position = (session.scalar(last) or 0) + 1
        session.add(ContextOption(context_id=context.id, digits=body.digits, position=position))
        touch(ivr)
        session.flush()
        return OptionRead(digits=body.digits)


def delete_option(
    db: Database, principal: Principal, extension_ref: str, context_id: int, digits: str
) -> OptionRead:
    """Deletes an added option with its rules, unless a rule elsewhere leads to it."""
    with db.write() as session:
        ivr = ivr_for_write(session, principal, extension_ref)
        option = option_in(session, context_in(session, ivr, context_id), digits)
        if option.digits in BUILTIN_OPTIONS:
            raise BadRequest(f"option_digits: the built-in option {digits} cannot be deleted")
        referrers = option_referrers(session, ivr, option)
        if referrers:
            subject = f"option {option.digits} of context {context_id}"
            raise Conflict(conflict_message(subject, referrers))
        session.execute(
            delete(Rule).where(Rule.option_id == option.id),
            execution_options={"synchronize_session": False},
        )
        session.delete(option)
        touch(ivr)
        return OptionRead(digits=digits)
