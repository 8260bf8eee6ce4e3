"""Log lines' time: the ISO UTC form structlog's stamper writes, made faster, never stale."""

import re
from datetime import UTC, datetime

import pytest
import structlog

from shim.main import log_time
from shim.main.log_time import UtcTimestamp

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def stamp(stamper: object) -> str:
    return str(stamper(None, "info", {})["timestamp"])  # type: ignore[operator]


def test_written_as_structlogs_iso_utc_stamper_writes_it() -> None:
    ours, theirs = stamp(UtcTimestamp()), stamp(structlog.processors.TimeStamper("iso", utc=True))
    assert ISO.fullmatch(ours)
    assert ISO.fullmatch(theirs)
    moments = [datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ") for text in (ours, theirs)]
    assert abs((moments[1] - moments[0]).total_seconds()) < 1


def test_each_second_is_formatted_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    stamper = UtcTimestamp()
    base = datetime(2026, 12, 2, 3, 59, 59, tzinfo=UTC).timestamp()
    monkeypatch.setattr(log_time.time, "time", lambda: base + 0.25)
    assert stamp(stamper) == "2026-12-02T03:59:59.250000Z"
    monkeypatch.setattr(log_time.time, "time", lambda: base + 1.5)
    assert stamp(stamper) == "2026-12-02T04:00:00.500000Z"
