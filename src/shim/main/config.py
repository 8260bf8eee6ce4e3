"""Settings: read once at start from `SHIM_*` variables; command-line flags take precedence."""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal, get_args

import msgspec

from shim.main.hosts import HostsError, lmstudio_hosts
from shim.main.proxy_env import proxy_for

ENV_PREFIX = "SHIM_"
MIB = 1024 * 1024
MIN_OLLAMA_VERSION = (0, 6, 4)
LEGACY_LMSTUDIO_BASE = "SHIM_LMSTUDIO_BASE"
OTEL_MODULES = ("opentelemetry.sdk.trace", "opentelemetry.exporter.otlp.proto.http")
OPENAI_SUFFIX = re.compile(r"/v1/?$")


class SettingsError(ValueError):
    """A setting has a value shim cannot use; the message names where it came from."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    host: str = "127.0.0.1"
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 11434
    lmstudio_url: str = "http://localhost:1234"
    lmstudio_api_token: str | None = None
    lmstudio_proxy: str | None = None
    lmstudio_check_seconds: Annotated[float, msgspec.Meta(gt=0)] = 10.0
    api_key: str | None = None
    ollama_version: str = "0.32.15"
    model_cache_ttl_seconds: Annotated[float, msgspec.Meta(ge=0)] = 5.0
    model_aliases: dict[str, str] = msgspec.field(default_factory=dict)
    allowed_origins: tuple[str, ...] = ()
    host_check: bool = True
    allowed_hosts: tuple[str, ...] = ()
    max_request_bytes: Annotated[int, msgspec.Meta(ge=1)] = 100 * MIB
    max_header_bytes: Annotated[int, msgspec.Meta(ge=4096)] = 1 * MIB
    header_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 30.0
    max_json_values: Annotated[int, msgspec.Meta(ge=1)] = 1_000_000
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"
    backend: Literal["lmstudio", "fake"] = "lmstudio"
    connect_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 5.0
    read_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 600.0
    idle_timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 120.0
    discovery_retries: Annotated[int, msgspec.Meta(ge=0, le=10)] = 2
    shutdown_delay_seconds: Annotated[float, msgspec.Meta(ge=0)] = 1.0
    shutdown_grace_seconds: Annotated[float, msgspec.Meta(ge=0)] = 30.0
    max_concurrent_requests: Annotated[int, msgspec.Meta(ge=1)] = 64
    max_queue: Annotated[int, msgspec.Meta(ge=0)] = 512
    state_dir: str = ""
    download_poll_seconds: Annotated[float, msgspec.Meta(gt=0)] = 1.0
    workers: Annotated[int, msgspec.Meta(ge=1, le=64)] = 1
    metrics: Literal["off", "on", "public"] = "on"
    traces: Literal["off", "otlp"] = "off"
    otlp_endpoint: str = "http://localhost:4318/v1/traces"
    state_backend: Literal["file", "redis"] = "file"
    redis_url: str = ""
    startup_check: bool = True


SETTING_NAMES = tuple(field.name for field in msgspec.structs.fields(Settings))


def env_var(name: str) -> str:
    return ENV_PREFIX + name.upper()


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def load_settings(environ: Mapping[str, str], flags: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from the environment and flags; raise SettingsError naming the culprit.

    The environment is checked on its own first: a bad variable is reported even when a flag
    overrides it, since it would bite the next start without that flag."""
    _convert(*_collect(environ, {}))
    raw, sources = _collect(environ, flags or {})
    settings = _convert(raw, sources)
    if not settings.state_dir:
        settings = msgspec.structs.replace(settings, state_dir=default_state_dir(environ))
    if settings.lmstudio_proxy is None:
        # One proxy for every host: the one the variables name for the first.
        proxy = proxy_for(settings.lmstudio_url.split(",")[0], environ)
        settings = msgspec.structs.replace(settings, lmstudio_proxy=proxy)
    _check(settings, sources)
    return settings


def _convert(raw: Mapping[str, str], sources: Mapping[str, str]) -> Settings:
    try:
        parsed = {name: _parse(name, value) for name, value in raw.items()}
        return msgspec.convert(parsed, Settings, strict=False)
    except msgspec.ValidationError as error:
        name = _field_of(str(error))
        value = raw.get(name, "")
        why = accepted_values(name) or str(error)
        raise SettingsError(f"invalid {sources.get(name, name)}={value!r}: {why}") from None


def accepted_values(name: str) -> str | None:
    """What a switch or a choice accepts, said in words; None for other settings."""
    kind = next((f.type for f in msgspec.structs.fields(Settings) if f.name == name), None)
    if kind is bool:
        return "expected true or false (or 1 or 0)"
    choices = get_args(kind) if getattr(kind, "__origin__", None) is Literal else ()
    return f"expected one of {', '.join(choices)}" if choices else None


def default_state_dir(environ: Mapping[str, str]) -> str:
    """Where aliases live unless SHIM_STATE_DIR says otherwise: the XDG state directory."""
    base = environ.get("XDG_STATE_HOME") or os.path.join(
        environ.get("HOME", "."), ".local", "state"
    )
    return os.path.join(base, "shim")


def _collect(
    environ: Mapping[str, str], flags: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    raw: dict[str, str] = {}
    sources: dict[str, str] = {}
    legacy = environ.get(LEGACY_LMSTUDIO_BASE, "").strip()
    if legacy:
        raw["lmstudio_url"] = OPENAI_SUFFIX.sub("", legacy.rstrip("/"))
        sources["lmstudio_url"] = LEGACY_LMSTUDIO_BASE
    for name in SETTING_NAMES:
        for value, source in (
            (environ.get(env_var(name)), env_var(name)),
            (flags.get(name), flag(name)),
        ):
            if value is not None and value.strip():
                raw[name] = value.strip()
                sources[name] = source
    return raw, sources


def _parse(name: str, value: str) -> object:
    if name == "model_aliases":
        return _parse_aliases(value)
    if name in ("allowed_origins", "allowed_hosts"):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if name in ("log_level", "log_format", "backend", "metrics", "traces", "state_backend"):
        return value.lower()
    if name == "lmstudio_url":
        # LM Studio displays its URL with `/v1`; shim wants the server's root.
        return ",".join(
            OPENAI_SUFFIX.sub("", part.strip().rstrip("/")) for part in value.split(",")
        )
    return value


def settings_notices(environ: Mapping[str, str], flags: Mapping[str, str]) -> list[str]:
    """What shim changed in the settings it was given, to be said once logging is set up."""
    raw, sources = _collect(environ, flags)
    urls = [part.strip().rstrip("/") for part in raw.get("lmstudio_url", "").split(",")]
    source = sources.get("lmstudio_url", "")
    return [
        f"{source if len(urls) == 1 else f'{source}: {url}'} ends in /v1; "
        f"using the server's root, {_server_root(url)}"
        for url in urls
        if OPENAI_SUFFIX.search(url)
    ]


def _server_root(url: str) -> str:
    return OPENAI_SUFFIX.sub("", url.strip().rstrip("/"))


def _parse_aliases(value: str) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in value.split(","))):
        alias, sep, target = (piece.strip() for piece in pair.partition("="))
        if not (sep and alias and target):
            raise msgspec.ValidationError(
                f"expected alias=model pairs, got {pair!r} - at `$.model_aliases`"
            )
        aliases[alias] = target
    return aliases


def _field_of(message: str) -> str:
    match = re.search(r"at `\$\.(\w+)", message)
    return match.group(1) if match else ""


def _check(settings: Settings, sources: Mapping[str, str]) -> None:
    def fail(name: str, value: str, why: str) -> SettingsError:
        return SettingsError(f"invalid {sources.get(name, env_var(name))}={value!r}: {why}")

    try:
        lmstudio_hosts(settings.lmstudio_url, settings.lmstudio_api_token)
    except HostsError as error:
        shown = settings.lmstudio_url if error.setting == "lmstudio_url" else "[redacted]"
        raise fail(error.setting, shown, str(error)) from None
    version = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", settings.ollama_version)
    if not version or tuple(map(int, version.groups())) < MIN_OLLAMA_VERSION:
        raise fail("ollama_version", settings.ollama_version, "expected x.y.z, at least 0.6.4")
    if settings.traces == "otlp" and not otel_installed():
        raise fail("traces", "otlp", "it needs the otel extra: pip install 'shim[otel]'")
    if settings.state_backend == "redis" and not re.fullmatch(
        r"(rediss?|unix)://\S+", settings.redis_url
    ):
        why = "the redis state backend needs a redis://, rediss:// or unix:// URL"
        raise fail("redis_url", settings.redis_url, why)
    shares_files = settings.workers > 1 and settings.state_backend == "file"
    if shares_files and not writable_directory(settings.state_dir):
        why = "several workers share their state there, and it is not a directory shim can write"
        raise fail("state_dir", settings.state_dir, why)


def otel_installed() -> bool:
    """Whether the `otel` extra's libraries are there, found without importing them."""
    try:
        return all(importlib.util.find_spec(name) for name in OTEL_MODULES)
    except ModuleNotFoundError:  # not even the namespace package
        return False


def writable_directory(path: str) -> bool:
    """Whether `path` is, or could be made, a directory this process may write in."""
    probe = Path(path).absolute()
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)
