"""The checks `shim doctor` runs, in order, each with what it found and what to do about it."""

from __future__ import annotations

import msgspec

from shim.domain.errors import UpstreamError
from shim.domain.models import ModelRecord
from shim.main.config import Settings
from shim.main.doctor import probes
from shim.main.doctor.findings import Check, Diagnosis
from shim.main.doctor.judgements import START_SERVER, auth_check, jit_check, listing_check
from shim.main.doctor.listing import shim_listing
from shim.main.port_check import listening_problem


async def diagnose(settings: Settings) -> Diagnosis:
    checks = [port_check(settings)]
    if settings.backend != "lmstudio":
        checks.append(Check(name="backend", status="ok", detail="fake: no LM Studio to check"))
        return Diagnosis(
            backend=settings.backend, lmstudio_url=settings.lmstudio_url, checks=checks
        )
    hosts = probes.each_host(settings)
    found: list[list[ModelRecord]] = []
    for host in hosts:
        host_checks: list[Check] = []
        found.append(await lmstudio_checks(host, host_checks))
        tag = host.lmstudio_url if len(hosts) > 1 else None
        checks.extend(msgspec.structs.replace(check, host=tag) for check in host_checks)
    models, alias_problem = await shim_listing(found, settings)
    if alias_problem is not None:
        checks.append(alias_problem)
    return Diagnosis(
        backend=settings.backend, lmstudio_url=settings.lmstudio_url, checks=checks, models=models
    )


def port_check(settings: Settings) -> Check:
    problem = listening_problem(settings)
    if problem is None:
        return Check(name="port", status="ok", detail=f"{settings.host}:{settings.port} is free")
    return Check(name="port", status="fail", detail=problem.what, fix=problem.fix)


async def lmstudio_checks(settings: Settings, checks: list[Check]) -> list[ModelRecord]:
    """The connection step by step; a step that fails ends the walk, as the rest depend on it."""
    # Through a proxy, the first hop is the proxy's.
    url = settings.lmstudio_proxy or settings.lmstudio_url
    refused = await probes.tcp_connects(url, settings.connect_timeout_seconds)
    if refused:
        detail = f"{url}: {refused}"
        checks.append(Check(name="tcp", status="fail", detail=detail, fix=START_SERVER))
        return []
    checks.append(Check(name="tcp", status="ok", detail=f"{url} accepts connections"))
    async with probes.lmstudio_client(settings) as client:
        try:
            status, greeted = await probes.greeting(client)
        except UpstreamError as error:
            checks.append(Check(name="http", status="fail", detail=str(error), fix=START_SERVER))
            return []
        checks.append(Check(name="http", status="ok", detail=f"answers HTTP (status {status})"))
        checks.append(greeting_check(greeted))
        listings = await probes.model_listings(client)
    checks.append(listing_check(listings, settings))
    checks.append(await auth_check(listings, settings))
    checks.append(jit_check(listings))
    return next((answer.models for answer in listings if answer.models is not None), [])


def greeting_check(greeted: bool) -> Check:
    if greeted:
        return Check(name="greeting", status="ok", detail="LM Studio greets")
    return Check(
        name="greeting",
        status="warn",
        detail=f"no LM Studio greeting at {probes.GREETING_PATH}: another OpenAI-compatible "
        "server, or not LM Studio's server root",
    )
