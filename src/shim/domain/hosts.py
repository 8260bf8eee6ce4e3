"""What the edges may know of the backend's hosts: which exist, which answer, how busy each is."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import msgspec

from shim.domain.errors import StateUnavailable, UpstreamError
from shim.domain.ports import BackendHosts, ModelCatalog, ModelChanges


class HostStatus(msgspec.Struct, frozen=True, kw_only=True):
    """One backend host as the last check and the requests through it left it."""

    url: str
    up: bool
    in_flight: int = 0
    models: int = 0
    loaded: tuple[str, ...] = ()
    error: str | None = None


# A host's status each time it may have changed: a listing of its models answered, it was marked
# down, or a request through it started or ended.
OnHostChanged = Callable[[HostStatus], None]


class OneBackend(BackendHosts):
    """A backend that is one host: nothing to tell beyond whether the catalog answers."""

    def statuses(self) -> Sequence[HostStatus]:
        return ()

    def revision(self) -> Hashable:
        return None


class HostAwareChanges(ModelChanges):
    """Word of model changes that also changes when a host goes down or comes back: its models
    leave or rejoin the catalog then, and a cached list must not outlive that."""

    def __init__(self, changes: ModelChanges, hosts: BackendHosts) -> None:
        self._changes = changes
        self._hosts = hosts

    def announce(self) -> None:
        self._changes.announce()

    def revision(self) -> Hashable:
        return (self._changes.revision(), self._hosts.revision())


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
        except (UpstreamError, StateUnavailable) as failure:  # either way, no model list
            models, error = None, failure.message
        return BackendReport(models=models, error=error, hosts=self._hosts.statuses())
