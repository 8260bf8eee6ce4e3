import io

import pytest

from shim.main.logging_setup import renders_json


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("log_format", "stream", "expected"),
    [
        ("auto", io.StringIO(), True),
        ("auto", Terminal(), False),
        ("json", Terminal(), True),
        ("console", io.StringIO(), False),
    ],
)
def test_json_off_a_terminal_unless_told_otherwise(
    log_format: str, stream: io.StringIO, expected: bool
) -> None:
    assert renders_json(log_format, stream) is expected
