"""What each setting means, in a line, for `shim serve --help` (docs/configuration.md says more)."""

from __future__ import annotations

import msgspec

from shim.main.config import Settings, env_var

MEANINGS: dict[str, str] = {
    "host": "address to listen on",
    "port": "port to listen on (1-65535)",
    "lmstudio_url": "LM Studio's server root (several, comma-separated); a trailing /v1 is dropped",
    "lmstudio_api_token": "token for LM Studio when it requires authentication (or one per URL)",
    "lmstudio_check_seconds": "with several LM Studio hosts, how often each is checked",
    "lmstudio_proxy": "proxy for calls to LM Studio (default: from HTTPS_PROXY/NO_PROXY)",
    "api_key": "key clients must send as 'Authorization: Bearer <key>'",
    "ollama_version": "version /api/version reports (x.y.z, at least 0.6.4)",
    "model_cache_ttl_seconds": "how long LM Studio's model list is reused",
    "model_aliases": "alias=model pairs, comma-separated",
    "allowed_origins": "extra browser origins, comma-separated, * as a wildcard",
    "host_check": "on loopback, refuse requests whose Host is not local (true/false)",
    "allowed_hosts": "extra Host names the check lets through, comma-separated",
    "max_request_bytes": "largest request body; larger ones get 413",
    "max_header_bytes": "largest request head; larger ones get 431",
    "header_timeout_seconds": "time a connection may take to send a request head",
    "max_json_values": "most values one JSON body may hold",
    "log_level": "debug, info, warning or error",
    "log_format": "json, console, or auto (console on a terminal)",
    "backend": "lmstudio, or fake for a scripted demo that needs no LM Studio",
    "connect_timeout_seconds": "time allowed to connect to LM Studio",
    "read_timeout_seconds": "time allowed for LM Studio to answer",
    "idle_timeout_seconds": "longest gap allowed within a stream from LM Studio",
    "discovery_retries": "extra attempts for model-list requests (0-10)",
    "shutdown_delay_seconds": "on SIGTERM, time /readyz says draining before accepting stops",
    "shutdown_grace_seconds": "time in-flight streams may run on after accepting stops",
    "max_concurrent_requests": "requests sent to LM Studio at once",
    "max_queue": "requests that may wait for a place; beyond that, 503",
    "state_dir": "where aliases are kept (default: $XDG_STATE_HOME/shim)",
    "download_poll_seconds": "how often /api/pull asks how a download goes",
    "workers": "server processes sharing the port (1-64)",
    "metrics": "GET /metrics: off, on (behind SHIM_API_KEY when set) or public",
    "traces": "off, or otlp to send a span per request (needs the otel extra)",
    "otlp_endpoint": "the OTLP/HTTP traces endpoint spans go to with traces=otlp",
    "state_backend": "where workers share their state: file (SHIM_STATE_DIR) or redis",
    "redis_url": "the Redis server shared state lives in with state_backend=redis",
    "startup_check": "look for LM Studio once at start and say what was found (true/false)",
}

_DEFAULTS = Settings()


def help_for(name: str) -> str:
    """The line argparse shows for a setting's flag: meaning, variable and default."""
    default = getattr(_DEFAULTS, name)
    shown = "none" if default in (None, "", (), {}) else _shown(default)
    return f"{MEANINGS[name]} [{env_var(name)}, default: {shown}]"


def _shown(value: object) -> str:
    text = msgspec.json.encode(value).decode()
    return text.strip('"').replace("%", "%%")  # argparse formats help text with %
