"""IVR settings: partial updates, references checked, every change bumps ``version``."""

from __future__ import annotations

from ivrd.config.auth.principal import Principal
from ivrd.config.ivr.schemas import IvrRead, IvrUpdate
from ivrd.config.ivr.scope import client_of, ivr_for_read, ivr_for_write, touch
from ivrd.config.references import check_context, check_sound
from ivrd.db.models import Ivr
from ivrd.db.session import Database
from ivrd.errors import BadRequest

NULLABLE = ("entry_context", "lifetime_exp_transfer_dst", "vm_greeting", "vm_mailto")


def to_read(ivr: Ivr) -> IvrRead:
    return IvrRead(
        entry_context=ivr.entry_context,
        lifetime=ivr.lifetime,
        lifetime_exp_action=ivr.lifetime_exp_action,
        lifetime_exp_transfer_dst=ivr.lifetime_exp_transfer_dst,
        sleep_time=ivr.sleep_time,
        vm_enabled=ivr.vm_enabled,
        vm_greeting=ivr.vm_greeting,
        vm_attach_file=ivr.vm_attach_file,
        vm_mailto=ivr.vm_mailto,
        version=ivr.version,
    )


def get_ivr(db: Database, principal: Principal, extension_ref: str) -> IvrRead:
    with db.read() as session:
        return to_read(ivr_for_read(session, principal, extension_ref))


def update_ivr(db: Database, principal: Principal, extension_ref: str, body: IvrUpdate) -> IvrRead:
    with db.write() as session:
        ivr = ivr_for_write(session, principal, extension_ref)
        changes = {
            key: value
            for key, value in body.model_dump(exclude_unset=True).items()
            if value is not None or key in NULLABLE
        }
        if changes.get("entry_context") is not None:
            check_context(session, ivr, "entry_context", changes["entry_context"])
        if changes.get("vm_greeting") is not None:
            check_sound(session, client_of(session, ivr), "vm_greeting", changes["vm_greeting"])
        for key, value in changes.items():
            setattr(ivr, key, value)
        if ivr.lifetime_exp_action == "transfer" and not ivr.lifetime_exp_transfer_dst:
            raise BadRequest(
                "lifetime_exp_transfer_dst: required when lifetime_exp_action is transfer"
            )
        touch(ivr)
        session.flush()
        return to_read(ivr)
