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
_NUMBER = re.compile(r"\d+\.?\d*|\.\d+")
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
    """Go's time.ParseDuration: one optional sign, then number-unit pairs, nothing else."""
    body = text[1:] if text[:1] in ("+", "-") else text
    sign = -1 if text.startswith("-") else 1
    if body == "0":
        return 0.0
    seconds = 0.0
    position = 0
    while position < len(body):
        number = _NUMBER.match(body, position)
        if number is None:
            raise InvalidRequest(f'time: invalid duration "{text}"')
        unit = _unit_at(body, number.end())
        if not unit:
            raise InvalidRequest(f'time: missing unit in duration "{text}"')
        if unit not in UNIT_SECONDS:
            raise InvalidRequest(f'time: unknown unit "{unit}" in duration "{text}"')
        seconds += float(number.group()) * UNIT_SECONDS[unit]
        position = number.end() + len(unit)
    if not body:
        raise InvalidRequest(f'time: invalid duration "{text}"')
    return sign * seconds


def _unit_at(text: str, start: int) -> str:
    """The unit runs until the next digit or dot, as Go reads it."""
    end = start
    while end < len(text) and not (text[end].isdigit() or text[end] == "."):
        end += 1
    return text[start:end]


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
