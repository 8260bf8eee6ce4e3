"""Ollama's DNS-rebinding guard: served on loopback, answer only requests addressed to this host.

A web page can point a name it controls at 127.0.0.1; its requests then carry that name in Host.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

from shim.api.asgi import ASGIApp, Receive, Scope, Send

LOCAL_SUFFIXES = (".localhost", ".local", ".internal")
VERDICTS_KEPT = 256


def is_loopback_bind(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class HostGuardMiddleware:
    def __init__(self, app: ASGIApp, extra_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self._allowed = {
            "",
            "localhost",
            socket.gethostname().lower(),
            *(h.lower() for h in extra_hosts),
        }
        self._verdicts: dict[bytes, bool] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.admits(scope):
            await self.app(scope, receive, send)
            return
        await send(
            {"type": "http.response.start", "status": 403, "headers": [(b"content-length", b"0")]}
        )
        await send({"type": "http.response.body", "body": b""})

    def admits(self, scope: Scope) -> bool:
        """Whether this request's Host is one the guard lets through."""
        raw = b""
        for name, value in scope["headers"]:
            if name == b"host":
                raw = value
                break
        verdict = self._verdicts.get(raw)
        if verdict is None:
            verdict = self.allows(_host_of(raw))
            # Clients send the same few Host values; the bound keeps hostile ones from piling up.
            if len(self._verdicts) < VERDICTS_KEPT:
                self._verdicts[bytes(raw)] = verdict
        return verdict

    def allows(self, host: str) -> bool:
        if host in self._allowed or host.endswith(LOCAL_SUFFIXES):
            return True
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return False
        return address.is_loopback or address.is_private or address.is_unspecified


def _host_of(raw: bytes) -> str:
    host = raw.decode("latin-1").lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
