"""Ollama's DNS-rebinding guard: served on loopback, answer only requests addressed to this host.

A web page can point a name it controls at 127.0.0.1; its requests then carry that name in Host.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

from shim.api.asgi import ASGIApp, Receive, Scope, Send

LOCAL_SUFFIXES = (".localhost", ".local", ".internal")


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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.allows(_host_of(scope)):
            await self.app(scope, receive, send)
            return
        await send(
            {"type": "http.response.start", "status": 403, "headers": [(b"content-length", b"0")]}
        )
        await send({"type": "http.response.body", "body": b""})

    def allows(self, host: str) -> bool:
        if host in self._allowed or host.endswith(LOCAL_SUFFIXES):
            return True
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return False
        return address.is_loopback or address.is_private or address.is_unspecified


def _host_of(scope: Scope) -> str:
    raw = next((value for name, value in scope["headers"] if name == b"host"), b"")
    host = raw.decode("latin-1").lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
