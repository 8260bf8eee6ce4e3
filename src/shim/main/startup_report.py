"""The start-up line: where shim listens, what it stands in front of, and whether LM Studio
answered. Looked up in a thread of its own, once shim accepts connections, so that serving is
never delayed by it; the look is bounded, and a warning names the fix when LM Studio is silent."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import structlog

from shim.main.config import Settings
from shim.main.doctor import probes
from shim.main.doctor.judgements import listing_check
from shim.main.port_check import ANY_ADDRESS

log = structlog.get_logger("shim.lifecycle")

ACCEPT_WAIT_SECONDS = 60.0
DOCTOR_HINT = "`shim doctor` checks the connection step by step"


def report_when_serving(settings: Settings) -> threading.Thread:
    thread = threading.Thread(
        target=report_start, args=(settings,), name="startup-report", daemon=True
    )
    thread.start()
    return thread


def report_start(settings: Settings) -> None:
    if not accepting(settings.host, settings.port, ACCEPT_WAIT_SECONDS):
        return  # shim did not come up; what stopped it says why
    where = {
        "url": f"http://{settings.host}:{settings.port}",
        "backend": settings.backend,
        "lmstudio_url": settings.lmstudio_url if settings.backend == "lmstudio" else None,
    }
    if settings.backend != "lmstudio" or not settings.startup_check:
        log.info("shim.started", **where, lmstudio="not checked")
        return
    hosts = probes.each_host(settings)
    looks = asyncio.run(look_at_every_host(hosts))
    seen = [summary(listings) for listings in looks]
    if len(seen) == 1:
        log.info("shim.started", **where, **seen[0])
    else:
        answered = sum(one["lmstudio"] == "answered" for one in seen)
        each = [{"url": host.lmstudio_url, **one} for host, one in zip(hosts, seen, strict=True)]
        log.info(
            "shim.started", **where, lmstudio=f"{answered} of {len(seen)} answered", hosts=each
        )
    for host, listings, one in zip(hosts, looks, seen, strict=True):
        if one["lmstudio"] != "answered":
            verdict = listing_check(listings, host)
            fix = f"{verdict.fix}; {DOCTOR_HINT}" if verdict.fix else DOCTOR_HINT
            log.warning(
                "lmstudio.not_answering", host=host.lmstudio_url, reason=verdict.detail, fix=fix
            )


def summary(listings: list[probes.ListingAnswer]) -> dict[str, Any]:
    """What one host's look found: which API answered first and how many models it listed."""
    for answer in listings:
        if answer.models is not None:
            api = probes.API_NAMES[answer.path]
            return {"lmstudio": "answered", "api": api, "models": len(answer.models)}
    return {"lmstudio": "no answer"}


async def look_at_every_host(hosts: list[Settings]) -> list[list[probes.ListingAnswer]]:
    return list(await asyncio.gather(*(look(host) for host in hosts)))


async def look(settings: Settings) -> list[probes.ListingAnswer]:
    """LM Studio's model lists, or what stood for them when it took too long."""
    bound = 2 * settings.connect_timeout_seconds
    try:
        async with asyncio.timeout(bound), probes.lmstudio_client(settings) as client:
            return await probes.model_listings(client)
    except TimeoutError:
        return [probes.ListingAnswer(path="/api/v1/models", error=f"no answer in {bound:g} s")]


def accepting(host: str, port: int, seconds: float) -> bool:
    """Whether shim's own port accepts connections within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((ANY_ADDRESS.get(host, host), port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False
