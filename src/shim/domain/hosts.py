"""What the edges may know of the backend's hosts: which exist, which answer, how busy each is."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from shim.domain.errors import UpstreamError
from shim.domain.ports import BackendHosts, ModelCatalog


class HostStatus(msgspec.Struct, frozen=True, kw_only=True):
    """One backend host as the last check and the requests through it left it."""

    url: str
    up: bool
    in_flight: int = 0
    models: int = 0
    loaded: tuple[str, ...] = ()
    error: str | None = None


class OneBackend(BackendHosts):
    """A backend that is one host: nothing to tell beyond whether the catalog answers."""

    def statuses(self) -> Sequence[HostStatus]:
        return ()


class BackendReport(msgspec.Struct, frozen=True, kw_only=True):
    models: int | None
    error: str | None
    hosts: Sequence[HostStatus]


class BackendHealth:
    """Whether the backend serves models now, and how each of its hosts is."""

    def __init__(self, catalog: ModelCatalog, hosts: BackendHosts) -> None:
        self._catalog = catalog
        self._hosts = hosts

    async def check(self) -> BackendReport:
        try:
            models: int | None = len(await self._catalog.list_models())
            error = None
        except UpstreamError as failure:
            models, error = None, failure.message
        return BackendReport(models=models, error=error, hosts=self._hosts.statuses())
