"""Whether shim can listen where Settings say, asked before anything starts: the server's own
bind error comes with a backtrace that says less."""

from __future__ import annotations

import errno
import socket
import urllib.error
import urllib.request
from typing import NamedTuple

from shim.main.config import Settings, env_var, flag

OLLAMA_GREETING = "Ollama is running"
PROBE_SECONDS = 2.0
# An address that means "every interface" is reached, for a probe, on loopback.
ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


class PortProblem(NamedTuple):
    what: str
    fix: str | None = None

    def __str__(self) -> str:
        return f"{self.what}; {self.fix}" if self.fix else self.what


def listening_problem(settings: Settings) -> PortProblem | None:
    """Why shim could not listen on its host and port, or None when it can."""
    where = f"{settings.host}:{settings.port}"
    try:
        socket.create_server((settings.host, settings.port)).close()
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            return PortProblem(f"cannot listen on {where}: {error.strerror or error}")
        other_port = f"choose another port with {env_var('port')}=11435 or {flag('port')} 11435"
        if ollama_answers(settings.host, settings.port):
            return PortProblem(
                f"cannot listen on {where}: the port is taken, and it answers as Ollama does: "
                "a real Ollama (or another shim) is running there",
                f"quit it (Ollama's menu-bar app, or `systemctl stop ollama`), or {other_port}",
            )
        return PortProblem(f"cannot listen on {where}: the port is taken", other_port)
    return None


def ollama_answers(host: str, port: int) -> bool:
    """Whether what listens there greets as Ollama's root does."""
    probe_host = ANY_ADDRESS.get(host, host)
    if ":" in probe_host:
        probe_host = f"[{probe_host}]"
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with direct.open(f"http://{probe_host}:{port}/", timeout=PROBE_SECONDS) as reply:
            return OLLAMA_GREETING in reply.read(256).decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError):
        return False
