"""The hosts of the backend: which to ask, which to route to, and their background checks."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Sequence

import structlog

from shim.adapters.hosts.host import BackendHost
from shim.domain.errors import UpstreamError, UpstreamUnavailable
from shim.domain.hosts import HostStatus
from shim.domain.ports import BackendHosts

log = structlog.get_logger(__name__)


class HostPool(BackendHosts):
    def __init__(self, hosts: Sequence[BackendHost]) -> None:
        self.hosts = tuple(hosts)

    def statuses(self) -> Sequence[HostStatus]:
        return [host.status() for host in self.hosts]

    def revision(self) -> Hashable:
        return tuple(host.up for host in self.hosts)

    def reachable(self) -> list[BackendHost]:
        """The hosts that are up; every host when none is, as nothing is lost by asking."""
        up = [host for host in self.hosts if host.up]
        return up or list(self.hosts)

    def candidates(self, key: str) -> list[BackendHost]:
        """Up hosts that have the model: those with it loaded first, then the least busy, then
        in the order Settings list them. When none listed it, every up host in that order: the
        model may be new since the last listing, and a host that lacks it says so itself."""
        up = [host for host in self.hosts if host.up]
        if not up:
            raise UpstreamUnavailable(f"no LM Studio host is up to serve {key}")
        having = [host for host in up if host.model(key) is not None] or up
        order = {host.url: index for index, host in enumerate(self.hosts)}
        return sorted(
            having, key=lambda host: (not host.has_loaded(key), host.in_flight, order[host.url])
        )

    def first_up(self) -> BackendHost:
        """Where a host must be chosen without a model to go by: the first listed that is up."""
        for host in self.hosts:
            if host.up:
                return host
        raise UpstreamUnavailable("no LM Studio host is up")

    async def check_all(self) -> None:
        """Every host asked for its models at once: down hosts come back, failing ones go."""
        await asyncio.gather(*(_check(host) for host in self.hosts))

    async def watch(self, period_seconds: float) -> None:
        while True:
            await asyncio.sleep(period_seconds)
            await self.check_all()


async def _check(host: BackendHost) -> None:
    try:
        await host.refresh()
    except UpstreamError:
        return  # refresh marked it down and logged why
    except Exception as error:  # a fault of one host's check must not end every host's checks
        log.exception("host.check_failed", host=host.url)
        host.mark_down(UpstreamError(f"checking {host.url} failed: {error}"))
