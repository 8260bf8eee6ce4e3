"""Ollama's `options` as sampler settings: known keys type-checked, the rest accepted and named."""

from __future__ import annotations

from typing import Any

from shim.domain.completion import Sampling
from shim.domain.errors import InvalidRequest

FLOAT_OPTIONS = {
    "temperature": "temperature",
    "top_p": "top_p",
    "min_p": "min_p",
    "repeat_penalty": "repeat_penalty",
    "presence_penalty": "presence_penalty",
    "frequency_penalty": "frequency_penalty",
}
INT_OPTIONS = {"top_k": "top_k", "seed": "seed", "num_predict": "max_tokens"}


# Ollama's "unset" values: a negative num_predict is open-ended, and seed -1 is random.
def _unset(name: str, number: int) -> bool:
    return (name == "num_predict" and number < 0) or (name == "seed" and number == -1)


def sampling_from_options(options: dict[str, Any] | None) -> tuple[Sampling, list[str]]:
    """The sampler settings, and the option names that LM Studio cannot apply."""
    settings: dict[str, Any] = {}
    ignored: list[str] = []
    for name, value in (options or {}).items():
        if value is None:
            continue
        if name in FLOAT_OPTIONS:
            settings[FLOAT_OPTIONS[name]] = float(_number(name, value, "float32"))
        elif name in INT_OPTIONS:
            number = int(_number(name, value, "integer"))
            if not _unset(name, number):
                settings[INT_OPTIONS[name]] = number
        elif name == "stop":
            settings["stop"] = _stop_words(value)
        elif name == "num_ctx":
            continue  # a load-time setting: see context_length_from_options
        else:
            ignored.append(name)
    return Sampling(**settings), ignored


def _number(name: str, value: Any, go_type: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRequest(f'option "{name}" must be of type {go_type}')
    return value


def _stop_words(value: Any) -> tuple[str, ...]:
    """Ollama's own wording; it answers these with 500, shim with 400 (the client's mistake)."""
    if not isinstance(value, list):
        raise InvalidRequest('option "stop" must be of type array')
    if not all(isinstance(word, str) for word in value):
        raise InvalidRequest('option "stop" must be of an array of strings')
    return tuple(value)


def context_length_from_options(options: dict[str, Any] | None) -> int | None:
    """`num_ctx`: the context window to load the model with; 0 or absent keeps the current one."""
    value = (options or {}).get("num_ctx")
    if value is None:
        return None
    return int(_number("num_ctx", value, "integer")) or None
