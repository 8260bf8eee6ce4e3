"""Ollama's renderings of times, digests and Modelfile parameters."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timedelta

from shim.domain.models import ModelRecord

# Go's largest Duration: what Ollama adds to "now" for a model kept loaded forever.
FOREVER = timedelta(microseconds=(2**63 - 1) // 1000)


def go_time(moment: datetime) -> str:
    """RFC 3339 with trailing fractional zeros trimmed and `Z` for UTC, as Go prints it."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    if fraction:
        text = f"{text}.{fraction}"
    offset = moment.utcoffset()
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


def digest_of(record: ModelRecord) -> str:
    """A stable 64-hex digest: the same model and file give the same digest across restarts."""
    identity = f"{record.key}\n{record.format}\n{record.quantization}\n{record.size_bytes}"
    return hashlib.sha256(identity.encode()).hexdigest()


def go_value(value: int | float | str) -> str:
    """A value as Go's %#v prints it: strings quoted and escaped, numbers bare."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def parameter_line(name: str, value: int | float | str) -> str:
    """One line of `/api/show` parameters: the name padded to 30 columns, then the value."""
    return f"{name:<30} {go_value(value)}"


class UtcClock:
    """Now as Go prints a UTC time, to the nanosecond; the date part is reused within a second."""

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def text(self) -> str:
        second, nanos = divmod(time.time_ns(), 1_000_000_000)
        if second != self._second:
            self._second = second
            self._prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        fraction = f"{nanos:09d}".rstrip("0")
        return f"{self._prefix}.{fraction}Z" if fraction else f"{self._prefix}Z"


utc_now = UtcClock().text
