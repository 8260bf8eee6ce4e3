"""The start-up line: where shim listens, what it stands in front of, and whether LM Studio
answered. Looked up in a thread of its own, once shim accepts connections, so that serving is
never delayed by it; the look is bounded, and a warning names the fix when LM Studio is silent."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

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
        log.info("shim.serving", **where, lmstudio="not checked")
        return
    listings = asyncio.run(look(settings))
    answered = next((answer for answer in listings if answer.models is not None), None)
    if answered is not None and answered.models is not None:
        api = probes.API_NAMES[answered.path]
        log.info("shim.serving", **where, lmstudio="answered", api=api, models=len(answered.models))
        return
    log.info("shim.serving", **where, lmstudio="no answer")
    verdict = listing_check(listings, settings)
    fix = f"{verdict.fix}; {DOCTOR_HINT}" if verdict.fix else DOCTOR_HINT
    log.warning("lmstudio.not_answering", reason=verdict.detail, fix=fix)


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
