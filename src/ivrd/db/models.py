"""ORM models: tenants, OAuth applications and tokens, platform resources and IVR menus.

API schemas live beside each resource in ``config/``; these classes are storage only.
References inside an IVR (a rule's ``context``, ``sound``, ``interval``...) are plain integer
columns checked by the services, because the API answers 409 with the list of referrers rather
than letting a foreign key decide.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ivrd.db.base import Base
from ivrd.timeutil import utcnow


class Client(Base):
    """A tenant of the platform. Extension names are ``<prefix>*<short number>``."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(20), default="000")
    short_number_len: Mapped[int] = mapped_column(Integer, default=3)
    dealer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    domain: Mapped[str | None] = mapped_column(String(200), nullable=True)
    speech_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    create_date: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    login: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    access: Mapped[str] = mapped_column(String(20), default="call_api")
    extension_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    extension_group_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    create_date: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Application(Base):
    """An OAuth2 client registered by a user; its tokens act as that user."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    app_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200), default="")
    type: Mapped[str] = mapped_column(String(32))
    access: Mapped[str] = mapped_column(String(20))
    redirect_uri: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    create_date: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Token(Base):
    """An access or refresh token, stored only as its SHA-256 hash."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(50))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    create_date: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuthorizationCode(Base):
    __tablename__ = "authorization_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class Extension(Base):
    __tablename__ = "extensions"
    __table_args__ = (UniqueConstraint("client_id", "short_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str] = mapped_column(String(50))
    type: Mapped[str] = mapped_column(String(16), default="phone")
    status: Mapped[str] = mapped_column(String(16), default="blocked")
    label: Mapped[str | None] = mapped_column(String(300), nullable=True)
    create_date: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    extension_group_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    caller_id_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    dial_rule_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dial_rule_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    message_did: Mapped[str | None] = mapped_column(String(50), nullable=True)
    extra_params: Mapped[str | None] = mapped_column(Text, nullable=True)
    ani_rfc3325: Mapped[bool] = mapped_column(Boolean, default=False)
    did_as_transfer_caller_id: Mapped[str | None] = mapped_column(String(50), nullable=True)

    phone: Mapped[PhoneSettings | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )
    ivr: Mapped[Ivr | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )


class PhoneSettings(Base):
    __tablename__ = "phone_settings"

    extension_id: Mapped[int] = mapped_column(
        ForeignKey("extensions.id", ondelete="CASCADE"), primary_key=True
    )
    password: Mapped[str | None] = mapped_column(String(200), nullable=True)
    allow_webrtc: Mapped[bool] = mapped_column(Boolean, default=False)
    record_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    record_transfer: Mapped[bool] = mapped_column(Boolean, default=False)


class Did(Base):
    """A public number routed to an extension."""

    __tablename__ = "dids"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    extension_id: Mapped[int | None] = mapped_column(
        ForeignKey("extensions.id", ondelete="SET NULL"), nullable=True
    )
    create_date: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Sound(Base):
    """A prompt. The audio lives on disk under the sound directory as ``stored_name``."""

    __tablename__ = "sounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), nullable=True, index=True
    )
    dealer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(300))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    duration_ms: Mapped[int] = mapped_column(Integer)
    create_date: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Interval(Base):
    __tablename__ = "intervals"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    create_date: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Ivr(Base):
    """IVR settings of an ``ivr`` extension. ``version`` grows with every configuration change."""

    __tablename__ = "ivrs"

    extension_id: Mapped[int] = mapped_column(
        ForeignKey("extensions.id", ondelete="CASCADE"), primary_key=True
    )
    entry_context: Mapped[int | None] = mapped_column(Integer, nullable=True)
    lifetime: Mapped[int] = mapped_column(Integer, default=1800)
    lifetime_exp_action: Mapped[str | None] = mapped_column(String(16), default="hangup")
    lifetime_exp_transfer_dst: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sleep_time: Mapped[int] = mapped_column(Integer, default=0)
    vm_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    vm_greeting: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vm_attach_file: Mapped[bool] = mapped_column(Boolean, default=True)
    vm_mailto: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    next_rule_id: Mapped[int] = mapped_column(Integer, default=1)


class Context(Base):
    __tablename__ = "contexts"

    id: Mapped[int] = mapped_column(primary_key=True)
    extension_id: Mapped[int] = mapped_column(
        ForeignKey("ivrs.extension_id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    timeout: Mapped[int] = mapped_column(Integer, default=0)
    inter_digit_timeout: Mapped[int] = mapped_column(Integer, default=0)
    allow_any_dial: Mapped[bool] = mapped_column(Boolean, default=True)
    digit_len: Mapped[int] = mapped_column(Integer, default=0)
    extra_params: Mapped[str | None] = mapped_column(Text, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)


class ContextOption(Base):
    __tablename__ = "context_options"
    __table_args__ = (UniqueConstraint("context_id", "digits"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(
        ForeignKey("contexts.id", ondelete="CASCADE"), index=True
    )
    digits: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer)


class Rule(Base):
    """One rule of an option. ``rule_id`` is the API id: unique in the IVR, never reused."""

    __tablename__ = "rules"
    __table_args__ = (UniqueConstraint("extension_id", "rule_id"),)

    pk: Mapped[int] = mapped_column(primary_key=True)
    extension_id: Mapped[int] = mapped_column(
        ForeignKey("ivrs.extension_id", ondelete="CASCADE"), index=True
    )
    rule_id: Mapped[int] = mapped_column(Integer)
    option_id: Mapped[int] = mapped_column(
        ForeignKey("context_options.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    final: Mapped[bool] = mapped_column(Boolean, default=True)
    # conditions
    interval: Mapped[int | None] = mapped_column(Integer, nullable=True)
    caller_id_action: Mapped[str] = mapped_column(String(16), default="any")
    caller_id: Mapped[str | None] = mapped_column(String(500), nullable=True)
    match_variable_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    match_variable_value: Mapped[str | None] = mapped_column(String(500), nullable=True)
    call_status: Mapped[str] = mapped_column(String(16), default="any")
    # action parameters
    transfer_dst: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    transfer_timeout: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hangup_cause: Mapped[str | None] = mapped_column(String(50), default="normal")
    sound: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sound_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    play_sound_from_variable: Mapped[bool] = mapped_column(Boolean, default=False)
    silence_time: Mapped[int | None] = mapped_column(Integer, nullable=True)
    context: Mapped[int | None] = mapped_column(Integer, nullable=True)
    context_option: Mapped[str | None] = mapped_column(String(50), nullable=True)
    digits: Mapped[str | None] = mapped_column(String(100), nullable=True)
    play_digits_method: Mapped[str | None] = mapped_column(String(16), nullable=True)
    play_digits_variable: Mapped[str | None] = mapped_column(String(100), nullable=True)
    record_digits_variable: Mapped[str | None] = mapped_column(String(100), nullable=True)
    record_digits_max: Mapped[int | None] = mapped_column(Integer, nullable=True)
    record_digits_sound: Mapped[int | None] = mapped_column(Integer, nullable=True)
    record_digits_timeout: Mapped[int | None] = mapped_column(Integer, nullable=True)
    set_variable_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    set_variable_value: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    transfer_variable: Mapped[str | None] = mapped_column(String(100), nullable=True)
    call_interactive_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    call_interactive_method: Mapped[str | None] = mapped_column(String(8), nullable=True)
    call_interactive_timeout: Mapped[int | None] = mapped_column(Integer, nullable=True)
    caller_id_number: Mapped[str | None] = mapped_column(String(200), nullable=True)
    caller_id_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    max_rate: Mapped[int | None] = mapped_column(Integer, default=5)
    voice_helper_rules: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    voice_helper_timeout: Mapped[int | None] = mapped_column(Integer, nullable=True)
    voice_helper_digits_max: Mapped[int | None] = mapped_column(Integer, nullable=True)
    voice_helper_final_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    voice_helper_classic_term: Mapped[bool] = mapped_column(Boolean, default=True)


class CallRecord(Base):
    """One call through a node: the call history item and its decision log (``cdr``)."""

    __tablename__ = "call_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_uuid: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    extension_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    extension_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    extension_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    flow: Mapped[str] = mapped_column(String(8), default="in")
    init_time: Mapped[datetime] = mapped_column(DateTime, index=True)
    start_time: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    hangup_time: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    duration: Mapped[int] = mapped_column(Integer, default=0)
    bridged: Mapped[bool] = mapped_column(Boolean, default=False)
    bridged_username: Mapped[str | None] = mapped_column(String(100), nullable=True)
    from_username: Mapped[str | None] = mapped_column(String(100), nullable=True)
    from_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    to_username: Mapped[str | None] = mapped_column(String(100), nullable=True)
    did_number: Mapped[str | None] = mapped_column(String(50), nullable=True)
    result: Mapped[str] = mapped_column(String(20), default="answered")
    hangup_cause: Mapped[str | None] = mapped_column(String(50), nullable=True)
    hangup_disposition: Mapped[str | None] = mapped_column(String(50), nullable=True)
    menu_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cdr: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class QualityRating(Base):
    __tablename__ = "quality_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_uuid: Mapped[str] = mapped_column(String(64), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    extension_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    datetime: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    max_rate: Mapped[int] = mapped_column(Integer)
    rate: Mapped[int] = mapped_column(Integer)


class Recording(Base):
    """Audio recorded by ``start_record`` (kind "record") or a voicemail message."""

    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_uuid: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    call_uuid: Mapped[str] = mapped_column(String(64), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    extension_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    caller_id_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    caller_id_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    start_time: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    stored_name: Mapped[str] = mapped_column(String(100))
    mailto: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)


class CallEvent(Base):
    """A webhook of an extension: ``url`` is called with ``method`` when ``event_type`` happens."""

    __tablename__ = "call_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    extension_id: Mapped[int] = mapped_column(
        ForeignKey("extensions.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    method: Mapped[str] = mapped_column(String(8), default="POST")
    event_type: Mapped[str] = mapped_column(String(20))


class IvrRevision(Base):
    """The whole menu as exported after one accepted change (``number`` is the IVR's
    ``version`` then), with who made it. Written in the change's own transaction."""

    __tablename__ = "ivr_revisions"
    __table_args__ = (UniqueConstraint("extension_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    extension_id: Mapped[int] = mapped_column(
        ForeignKey("extensions.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    create_date: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    application_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(40))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class PhoneBinding(Base):
    """Where a registered ``phone`` extension can be reached (RFC 3261 §10), shared by every
    node on the database: a phone registered through one node rings from any other."""

    __tablename__ = "phone_bindings"

    extension_id: Mapped[int] = mapped_column(
        ForeignKey("extensions.id", ondelete="CASCADE"), primary_key=True
    )
    contact: Mapped[str] = mapped_column(String(500))
    source_host: Mapped[str] = mapped_column(String(64))  # where the REGISTER came from (NAT)
    source_port: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    node: Mapped[str] = mapped_column(String(100))  # the node that took the REGISTER


class NodeSecret(Base):
    """Secrets every node must share, e.g. the key of the registrar's self-signed nonces (a
    REGISTER challenged by one node may come back, answered, through another)."""

    __tablename__ = "node_secrets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class CallbackQueueItem(Base):
    """A click-to-call accepted by an API-only process, waiting for a SIP node to take it
    (``config/callback``, ``runtime/orders.py``)."""

    __tablename__ = "callback_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(32), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    extension_id: Mapped[int] = mapped_column(ForeignKey("extensions.id", ondelete="CASCADE"))
    extension_name: Mapped[str] = mapped_column(String(100))
    sources: Mapped[list[str]] = mapped_column(JSON)
    destination: Mapped[str] = mapped_column(String(32))
    caller_id_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    caller_id_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    taken_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class SipNodeSeen(Base):
    """A SIP node's heartbeat: the API places click-to-calls only while some node is alive."""

    __tablename__ = "sip_nodes"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime)
