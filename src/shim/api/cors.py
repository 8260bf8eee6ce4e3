"""Browser origins allowed like Ollama's: local hosts on any port, app schemes, and any extras."""

from __future__ import annotations

from collections.abc import Sequence

from litestar.config.cors import CORSConfig

LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]")
APP_SCHEMES = (
    "app",
    "file",
    "tauri",
    "vscode-webview",
    "vscode-file",
    "chrome-extension",
    "moz-extension",
    "safari-web-extension",
)


def default_origins() -> list[str]:
    local = [
        f"{scheme}://{host}{port}"
        for scheme in ("http", "https")
        for host in LOCAL_HOSTS
        for port in ("", ":*")
    ]
    return local + [f"{scheme}://*" for scheme in APP_SCHEMES]


def cors_config(extra_origins: Sequence[str]) -> CORSConfig:
    """Extra origins add to the defaults, as `OLLAMA_ORIGINS` does; `*` allows every origin."""
    return CORSConfig(
        allow_origins=[*default_origins(), *extra_origins],
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"],
    )
