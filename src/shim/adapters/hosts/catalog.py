"""The catalog of several hosts: every model any host that answers has, each listed once."""

from __future__ import annotations

import asyncio

import msgspec

from shim.adapters.hosts.host import BackendHost
from shim.adapters.hosts.pool import HostPool
from shim.domain.errors import UpstreamError, UpstreamUnavailable
from shim.domain.models import LoadedInstance, ModelRecord
from shim.domain.ports import ModelCatalog


class UnionCatalog(ModelCatalog):
    """A model on several hosts is one entry: the first host's description (in Settings order),
    every host's loaded instances (once per instance id), and the hosts that serve it in
    `hosts`."""

    def __init__(self, pool: HostPool) -> None:
        self._pool = pool

    async def list_models(self) -> list[ModelRecord]:
        asked = self._pool.reachable()
        listings = await asyncio.gather(*(_listing(host) for host in asked))
        pairs = zip(asked, listings, strict=True)
        answered = [(host, models) for host, models in pairs if models is not None]
        if not answered:
            reasons = "; ".join(host.error or host.url for host in asked)
            raise UpstreamUnavailable(f"no LM Studio host answers: {reasons}")
        return _union(answered)


async def _listing(host: BackendHost) -> list[ModelRecord] | None:
    try:
        return await host.refresh()
    except UpstreamError:
        return None  # refresh marked it down; the others still serve


def _union(answered: list[tuple[BackendHost, list[ModelRecord]]]) -> list[ModelRecord]:
    merged: dict[str, ModelRecord] = {}
    for host, models in answered:
        for model in models:
            seen = merged.get(model.key)
            if seen is None:
                merged[model.key] = msgspec.structs.replace(model, hosts=(host.url,))
                continue
            merged[model.key] = msgspec.structs.replace(
                seen,
                hosts=(*seen.hosts, host.url),
                loaded_instances=_joined(seen.loaded_instances, model.loaded_instances),
            )
    return list(merged.values())


def _joined(
    seen: tuple[LoadedInstance, ...], more: tuple[LoadedInstance, ...]
) -> tuple[LoadedInstance, ...]:
    """Instances by the same id on two hosts show once, as /api/ps shows a model once."""
    ids = {instance.instance_id for instance in seen}
    return seen + tuple(instance for instance in more if instance.instance_id not in ids)
