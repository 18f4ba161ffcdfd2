"""Registered phones and the registrar's nonce key, in the database every node shares.

Behind a dispatcher, a phone's REGISTER may reach one node, its answer to the digest
challenge another, and a call that transfers to it a third. So the key that signs nonces and
the bindings live in the database, not in a node's memory. Every method blocks (SQLAlchemy):
the node calls them in worker threads.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ivrd.db import models
from ivrd.db.session import Database
from ivrd.sip.actions import Address
from ivrd.timeutil import utcnow

__all__ = ["BindingStore", "StoredBinding"]

NONCE_KEY = "registrar-nonce"


@dataclass(frozen=True, slots=True)
class StoredBinding:
    contact: str  # the Contact URI, as the phone registered it
    source: Address  # where its REGISTER came from: where requests for it go (NAT)
    expires_in: int  # seconds left


class BindingStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def nonce_key(self) -> bytes:
        """The shared key, made by whichever node asks first."""
        with self.db.read() as session:
            found = session.get(models.NodeSecret, NONCE_KEY)
            if found is not None:
                return bytes.fromhex(found.value)
        try:
            with self.db.write() as session:
                session.add(models.NodeSecret(name=NONCE_KEY, value=secrets.token_hex(32)))
        except IntegrityError:  # another node made it meanwhile: take theirs
            pass
        with self.db.read() as session:
            return bytes.fromhex(session.get_one(models.NodeSecret, NONCE_KEY).value)

    def save(
        self, extension_id: int, contact: str, source: Address, expires: int, node: str
    ) -> None:
        """Bind the extension to ``contact`` (one binding per phone: the latest wins)."""
        with self.db.write() as session:
            binding = session.get(models.PhoneBinding, extension_id)
            if binding is None:
                binding = models.PhoneBinding(extension_id=extension_id)
                session.add(binding)
            binding.contact = contact
            binding.source_host, binding.source_port = source
            binding.expires_at = utcnow() + timedelta(seconds=expires)
            binding.node = node

    def remove(self, extension_id: int) -> None:
        with self.db.write() as session:
            session.execute(
                delete(models.PhoneBinding).where(models.PhoneBinding.extension_id == extension_id)
            )

    def find(self, client_id: int, short_name: str) -> StoredBinding | None:
        """The live binding of the client's extension ``short_name``, if any."""
        with self.db.read() as session:
            row = session.execute(
                select(models.PhoneBinding)
                .join(models.Extension, models.Extension.id == models.PhoneBinding.extension_id)
                .where(
                    models.Extension.client_id == client_id,
                    models.Extension.short_name == short_name,
                )
            ).scalar_one_or_none()
            if row is None:
                return None
            left = int((row.expires_at - utcnow()).total_seconds())
            if left <= 0:
                return None
            return StoredBinding(row.contact, (row.source_host, row.source_port), left)
