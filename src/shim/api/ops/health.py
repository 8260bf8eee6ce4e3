"""Liveness says the process answers; readiness says LM Studio answers too, host by host when
the backend spans several."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get

from shim.api.dependencies import HealthDep, readiness_of
from shim.api.go_json import json_response


class HostHealth(msgspec.Struct, kw_only=True):
    url: str
    status: str
    in_flight: int
    models: int
    loaded: list[str]
    error: str | msgspec.UnsetType = msgspec.UNSET


class HealthStatus(msgspec.Struct, kw_only=True):
    status: str
    models: int | msgspec.UnsetType = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET
    hosts: list[HostHealth] | msgspec.UnsetType = msgspec.UNSET


class HealthController(Controller):
    @get("/healthz", name="ops.healthz")
    async def healthz(self) -> Response[bytes]:
        return json_response(HealthStatus(status="ok"))

    @get("/readyz", name="ops.readyz")
    async def readyz(self, request: Request[Any, Any, Any], health: HealthDep) -> Response[bytes]:
        if readiness_of(request).draining:
            return json_response(HealthStatus(status="draining"), 503)
        report = await health.check()
        hosts = [
            HostHealth(
                url=host.url,
                status="up" if host.up else "down",
                in_flight=host.in_flight,
                models=host.models,
                loaded=list(host.loaded),
                error=host.error if host.error is not None else msgspec.UNSET,
            )
            for host in report.hosts
        ] or msgspec.UNSET
        if report.models is None:
            error = report.error or "unavailable"
            return json_response(HealthStatus(status="unavailable", error=error, hosts=hosts), 503)
        return json_response(HealthStatus(status="ready", models=report.models, hosts=hosts))
