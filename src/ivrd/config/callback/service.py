"""Click-to-call: check the request against the extension, then hand it to a SIP node.

The API answers at once with the call's ids; a node rings ``src_num`` and, once one of them
answers, dials ``dst_num`` and connects the two (``runtime/clicktocall.py``). In ``ivrd
serve`` the node of the same process takes the order directly; an API-only process (``ivrd
serve --no-sip``) queues it in the database for the ``ivrd sip`` nodes (``queue.py``), and
answers 503 when no node is up, rather than accepting a call nobody will place.
"""

from __future__ import annotations

import secrets
from typing import Protocol

from ivrd.config.auth.principal import Principal
from ivrd.config.callback import queue
from ivrd.config.callback.schemas import CallbackCreate, CallbackOrder, CallbackStarted
from ivrd.config.tenancy import extension_for
from ivrd.db.session import Database
from ivrd.errors import Forbidden, ServiceUnavailable


class Dialer(Protocol):
    """The SIP node's side: place the call (thread-safe; returns at once)."""

    def click_to_call(self, order: CallbackOrder) -> None: ...


def start_callback(
    db: Database,
    principal: Principal,
    extension_ref: str,
    body: CallbackCreate,
    dialer: Dialer | None,
) -> CallbackStarted:
    with db.read() as session:
        extension = extension_for(session, principal, extension_ref)
        if extension.status != "active":
            raise Forbidden(f"extension {extension.name} is blocked")
        order = CallbackOrder(
            call_id=secrets.token_hex(16),
            client_id=extension.client_id,
            extension_id=extension.id,
            extension_name=extension.name,
            sources=tuple(body.src_num),
            destination=body.dst_num,
            caller_id_number=body.caller_id_number,
            caller_id_name=body.caller_id_name or extension.caller_id_name,
        )
    if dialer is not None:
        dialer.click_to_call(order)
    elif queue.node_alive(db):
        queue.enqueue(db, order)
    else:
        raise ServiceUnavailable(
            "click-to-call needs a SIP node: none is running on this database "
            "(start ivrd sip, or ivrd serve without --no-sip)"
        )
    call_api_id = f"{order.extension_id}:{order.call_id}"  # as Call Interactive's CallAPIID
    return CallbackStarted(call_api_id=call_api_id, call_id=order.call_id)
