"""The checks `shim doctor` runs, in order, each with what it found and what to do about it."""

from __future__ import annotations

from shim.adapters.state.alias_file import MemoryAliasStore
from shim.domain.aliases import AliasingCatalog
from shim.domain.errors import ShimError, UpstreamError
from shim.domain.models import ModelRecord
from shim.domain.names import ollama_name
from shim.domain.ports import AliasStore, ModelCatalog
from shim.main.backends import alias_store_for
from shim.main.config import Settings
from shim.main.doctor import probes
from shim.main.doctor.findings import Check, Diagnosis, ListedModel
from shim.main.doctor.judgements import START_SERVER, auth_check, jit_check, listing_check
from shim.main.port_check import listening_problem


async def diagnose(settings: Settings) -> Diagnosis:
    checks = [port_check(settings)]
    models: list[ListedModel] = []
    if settings.backend == "lmstudio":
        models = await lmstudio_checks(settings, checks)
    else:
        checks.append(Check(name="backend", status="ok", detail="fake: no LM Studio to check"))
    return Diagnosis(
        backend=settings.backend, lmstudio_url=settings.lmstudio_url, checks=checks, models=models
    )


def port_check(settings: Settings) -> Check:
    problem = listening_problem(settings)
    if problem is None:
        return Check(name="port", status="ok", detail=f"{settings.host}:{settings.port} is free")
    return Check(name="port", status="fail", detail=problem.what, fix=problem.fix)


async def lmstudio_checks(settings: Settings, checks: list[Check]) -> list[ListedModel]:
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
    try:
        return await listed_models(listings, alias_store_for(settings))
    except ShimError as error:  # shim's own /api/tags fails the same way
        fix = "repair or remove the alias file; until then /api/tags answers with this error"
        checks.append(Check(name="aliases", status="fail", detail=str(error), fix=fix))
        return await listed_models(listings, MemoryAliasStore())


def greeting_check(greeted: bool) -> Check:
    if greeted:
        return Check(name="greeting", status="ok", detail="LM Studio greets")
    return Check(
        name="greeting",
        status="warn",
        detail=f"no LM Studio greeting at {probes.GREETING_PATH}: another OpenAI-compatible "
        "server, or not LM Studio's server root",
    )


class Listed(ModelCatalog):
    """Models already fetched, as a catalog, for the aliases to be listed beside them."""

    def __init__(self, records: list[ModelRecord]) -> None:
        self._records = records

    async def list_models(self) -> list[ModelRecord]:
        return self._records


async def listed_models(
    listings: list[probes.ListingAnswer], aliases: AliasStore
) -> list[ListedModel]:
    """What shim's /api/tags will list: the models of the richest list that answered, and the
    aliases kept in the state directory."""
    records = next((answer.models for answer in listings if answer.models is not None), [])
    return [
        ListedModel(
            name=ollama_name(record.key),
            capabilities=[str(capability) for capability in record.capabilities],
            loaded=record.is_loaded,
        )
        for record in await AliasingCatalog(Listed(records), aliases).list_models()
    ]
