"""What `shim doctor` found: each check's outcome, and the models shim will list."""

from __future__ import annotations

from typing import Literal

import msgspec

Status = Literal["ok", "warn", "fail"]


class Check(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    status: Status
    detail: str
    fix: str | None = None
    host: str | None = None  # which LM Studio, when shim stands in front of several


class ListedModel(msgspec.Struct, frozen=True, kw_only=True):
    """A model as shim's /api/tags will name it."""

    name: str
    capabilities: list[str]
    loaded: bool


class Diagnosis(msgspec.Struct, frozen=True, kw_only=True):
    backend: str
    lmstudio_url: str
    checks: list[Check]
    models: list[ListedModel] = msgspec.field(default_factory=list)
    notices: list[str] = msgspec.field(default_factory=list)  # what shim changed in its settings

    @property
    def ok(self) -> bool:
        return all(check.status != "fail" for check in self.checks)
