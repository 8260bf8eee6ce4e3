from datetime import UTC, datetime, timedelta, timezone

import pytest

from shim.api.ollama.go_format import FOREVER, digest_of, go_time, parameter_line
from shim.domain.models import ModelRecord

PACIFIC = timezone(timedelta(hours=-7))


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (
            datetime(2025, 5, 4, 17, 37, 44, 706010, tzinfo=PACIFIC),
            "2025-05-04T17:37:44.70601-07:00",
        ),
        (datetime(2025, 11, 8, 23, 10, 5, 993258, tzinfo=UTC), "2025-11-08T23:10:05.993258Z"),
        (datetime(2026, 1, 1, tzinfo=UTC), "2026-01-01T00:00:00Z"),
        (
            datetime(2026, 1, 1, 12, 0, 0, 500000, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            "2026-01-01T12:00:00.5+05:30",
        ),
    ],
)
def test_go_time_renders_like_go(moment: datetime, text: str) -> None:
    assert go_time(moment) == text
    assert datetime.fromisoformat(text) == moment


def test_forever_lands_in_ollamas_year_2318_range() -> None:
    assert (datetime(2026, 1, 1, tzinfo=UTC) + FOREVER).year == 2318


def test_digest_is_stable_64_hex_and_tracks_the_file() -> None:
    record = ModelRecord(key="a", format="gguf", quantization="Q4_K_M", size_bytes=10)
    digest = digest_of(record)
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest == digest_of(
        ModelRecord(key="a", format="gguf", quantization="Q4_K_M", size_bytes=10)
    )
    assert digest != digest_of(
        ModelRecord(key="a", format="gguf", quantization="Q8_0", size_bytes=10)
    )


def test_parameter_lines_pad_names_to_thirty_columns_and_quote_strings() -> None:
    assert parameter_line("num_ctx", 4096) == "num_ctx" + " " * 24 + "4096"
    assert parameter_line("stop", "<|eot_id|>") == 'stop                           "<|eot_id|>"'
