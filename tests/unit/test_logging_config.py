import io
import logging

import pytest
import structlog

from shim.main.logging_setup import configure_logging, renders_json
from tests.support.log_capture import LogCapture


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


def crash_with(prompt: str, authorization: str) -> None:
    raise RuntimeError("boom")


@pytest.mark.parametrize("log_format", ["json", "console"])
def test_a_crash_logs_no_frame_locals_and_no_secrets(
    log_format: str, log_capture: LogCapture
) -> None:
    stream = io.StringIO()
    # Built at run time, so that only frame locals, not source lines, could show them.
    prompt, authorization = "my secret " + "prompt", "Bearer sk-lmstudio-" + "token"
    configure_logging("info", log_format, stream, secrets=("sk-shim-key", None))
    try:
        try:
            crash_with(prompt, authorization)
        except RuntimeError:
            structlog.get_logger("test").exception("request.crashed", seen="key sk-shim-key")
        try:
            crash_with(prompt, authorization)
        except RuntimeError:
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    finally:
        configure_logging("debug", "json", stream=log_capture)  # type: ignore[arg-type]
    written = stream.getvalue()
    assert "crash_with" in written, "the traceback is there"
    assert "my secret prompt" not in written
    assert "sk-lmstudio-token" not in written
    assert "sk-shim-key" not in written
    assert "[redacted]" in written


def test_bearer_tokens_are_redacted_wherever_they_appear(log_capture: LogCapture) -> None:
    stream = io.StringIO()
    configure_logging("info", "json", stream)
    try:
        structlog.get_logger("test").warning(
            "upstream.refused", headers="authorization: Bearer abc.def-1"
        )
    finally:
        configure_logging("debug", "json", stream=log_capture)  # type: ignore[arg-type]
    assert "abc.def-1" not in stream.getvalue()
    assert "Bearer [redacted]" in stream.getvalue()
