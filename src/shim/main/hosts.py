"""Which LM Studio hosts shim stands in front of: `SHIM_LMSTUDIO_URL` split at commas, each with
its token from the list `SHIM_LMSTUDIO_API_TOKEN` holds in the same order."""

from __future__ import annotations

import re
from typing import NamedTuple

URL_FORM = re.compile(r"https?://[^/\s,]+(/[^\s,]*)?")


class HostsError(ValueError):
    """The URLs or tokens cannot be paired into hosts; `setting` names the one at fault."""

    def __init__(self, setting: str, why: str) -> None:
        super().__init__(why)
        self.setting = setting


class LMStudioHost(NamedTuple):
    url: str
    token: str | None


def split_urls(urls: str) -> tuple[str, ...]:
    """Every URL of the list, without a trailing slash; each must be http:// or https://."""
    found = tuple(part.strip().rstrip("/") for part in urls.split(","))
    for url in found:
        if not URL_FORM.fullmatch(url):
            why = f"expected http:// or https:// URLs separated by commas, got {url!r}"
            raise HostsError("lmstudio_url", why)
    if len(set(found)) != len(found):
        raise HostsError("lmstudio_url", "a URL is listed twice")
    return found


def lmstudio_hosts(urls: str, tokens: str | None) -> tuple[LMStudioHost, ...]:
    """One URL keeps its token whole. With several, one token (no comma) serves every host, or
    the list gives each host its own in URL order, an empty item for a host without one."""
    found = split_urls(urls)
    if len(found) == 1 or not tokens or "," not in tokens:
        return tuple(LMStudioHost(url, tokens or None) for url in found)
    each = [token.strip() or None for token in tokens.split(",")]
    if len(each) != len(found):
        why = f"{len(each)} tokens for {len(found)} URLs; give one, or one per URL"
        raise HostsError("lmstudio_api_token", why)
    return tuple(LMStudioHost(url, token) for url, token in zip(found, each, strict=True))


def host_tokens(tokens: str | None) -> tuple[str, ...]:
    """The setting whole and each token of its list, so logs can hide every one."""
    if not tokens:
        return ()
    return (tokens, *(token.strip() for token in tokens.split(",") if token.strip()))
