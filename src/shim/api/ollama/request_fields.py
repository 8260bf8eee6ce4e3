"""Ollama's scalar request fields: keep_alive durations, think levels and output formats."""

from __future__ import annotations

import re
from typing import Any

from shim.domain.completion import JsonOutput, ThinkLevel
from shim.domain.errors import InvalidRequest

UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1,
    "m": 60,
    "h": 3600,
}
_DURATION_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
THINK_LEVELS: dict[str, ThinkLevel] = {
    "low": "low",
    "medium": "medium",
    "high": "high",
    "max": "high",
}


def keep_alive_seconds(value: float | str | None) -> float | None:
    """Seconds as a number, or a Go duration such as "5m" or "1h30m"; negative means forever."""
    if value is None or isinstance(value, int | float):
        return value
    return parse_go_duration(value)


def parse_go_duration(text: str) -> float:
    body = text.strip()
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    if body == "0":
        return 0.0
    parts = _DURATION_PART.findall(body)
    if not body or "".join(number + unit for number, unit in parts) != body:
        problem = (
            "missing unit in"
            if _DURATION_PART.sub("", body).replace(".", "").isdigit()
            else "invalid"
        )
        raise InvalidRequest(f'time: {problem} duration "{text}"')
    return sign * sum(float(number) * UNIT_SECONDS[unit] for number, unit in parts)


def think_setting(value: bool | str | None) -> tuple[bool | None, ThinkLevel | None]:
    """Whether to think, and how hard; a level implies yes, "max" is LM Studio's "high"."""
    if value is None or isinstance(value, bool):
        return value, None
    level = THINK_LEVELS.get(value)
    if level is None:
        allowed = '"high", "medium", "low", "max", true, or false'
        raise InvalidRequest(f'invalid think value: "{value}" (must be {allowed})')
    return True, level


def json_output(value: Any) -> JsonOutput | None:
    if value is None or value == "":
        return None
    if value == "json":
        return JsonOutput()
    if isinstance(value, dict):
        return JsonOutput(schema=value)
    raise InvalidRequest(
        f'invalid format: {value!r}; expected "json" or a valid JSON Schema object'
    )
