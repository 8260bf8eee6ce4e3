"""Which proxy reaches LM Studio, read once at start from the variables every HTTP tool honours
(`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`; lower case first, as curl and Python
read them). The client then never looks at the environment on a request."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit


def proxy_for(url: str, environ: Mapping[str, str]) -> str | None:
    parts = urlsplit(url)
    proxy = _variable(environ, f"{parts.scheme}_proxy") or _variable(environ, "all_proxy")
    if not proxy:
        return None
    exempt = _variable(environ, "no_proxy") or ""
    return None if _exempt(parts.hostname or "", exempt) else proxy


def _exempt(host: str, no_proxy: str) -> bool:
    """`*`, the host itself, or a domain it is in (`.example.com` or `example.com`)."""
    for entry in (item.strip().lower() for item in no_proxy.split(",")):
        name = entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry
        name = name.lstrip(".")
        if entry == "*" or (name and (host == name or host.endswith("." + name))):
            return True
    return False


def _variable(environ: Mapping[str, str], name: str) -> str | None:
    return (environ.get(name) or environ.get(name.upper()) or "").strip() or None
