"""Extension API shapes, field for field as the provider answers them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ivrd.config.types import Count

ExtensionType = Literal["phone", "queue", "ivr", "fax"]
ExtensionStatus = Literal["active", "blocked"]


class ExtensionFields(BaseModel):
    model_config = ConfigDict(extra="ignore")

    label: str | None = Field(default=None, max_length=300)
    status: ExtensionStatus | None = None
    extension_group_id: Count | None = None
    caller_id_name: str | None = Field(default=None, max_length=200)
    dial_rule_id: Count | None = None
    dial_rule_limit: Count | None = None
    message_did: str | None = Field(default=None, max_length=50)
    extra_params: str | None = Field(default=None, max_length=10_000)
    ani_rfc3325: bool | None = None
    did_as_transfer_caller_id: str | None = Field(default=None, max_length=50)


class ExtensionCreate(ExtensionFields):
    name: str = Field(min_length=1, max_length=60)
    type: ExtensionType = "phone"


class ExtensionUpdate(ExtensionFields):
    name: str | None = Field(default=None, max_length=60)
    type: ExtensionType | None = None


class ExtensionRead(BaseModel):
    id: int
    client_id: int
    name: str
    type: str
    status: str
    label: str | None
    domain: str | None
    create_date: str
    extension_group_id: int | None
    caller_id_name: str | None
    dial_rule_id: int | None
    dial_rule_limit: int | None
    message_did: str | None
    extra_params: str | None
    ani_rfc3325: bool
    did_as_transfer_caller_id: str | None


class PhoneSettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    password: str | None = Field(default=None, min_length=1, max_length=200)
    allow_webrtc: bool | None = None
    record_enabled: bool | None = None
    record_transfer: bool | None = None


class PhoneSettingsRead(BaseModel):
    extension_id: int
    password: str | None
    allow_webrtc: bool
    record_enabled: bool
    record_transfer: bool
