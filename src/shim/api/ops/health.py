"""Liveness says the process answers; readiness says LM Studio answers too."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get

from shim.api.dependencies import CatalogDep, readiness_of
from shim.api.go_json import json_response
from shim.domain.errors import UpstreamError


class HealthStatus(msgspec.Struct, kw_only=True):
    status: str
    models: int | msgspec.UnsetType = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET


class HealthController(Controller):
    @get("/healthz", name="ops.healthz")
    async def healthz(self) -> Response[bytes]:
        return json_response(HealthStatus(status="ok"))

    @get("/readyz", name="ops.readyz")
    async def readyz(self, request: Request[Any, Any, Any], catalog: CatalogDep) -> Response[bytes]:
        if readiness_of(request).draining:
            return json_response(HealthStatus(status="draining"), 503)
        try:
            models = await catalog.list_models()
        except UpstreamError as error:
            return json_response(HealthStatus(status="unavailable", error=error.message), 503)
        return json_response(HealthStatus(status="ready", models=len(models)))
