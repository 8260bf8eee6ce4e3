"""structlog set up once: JSON off a terminal, readable on one; uvicorn's own lines included.
Tracebacks carry no frame locals (they held prompts and keys) and secrets never reach a line."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any, TextIO

import msgspec
import structlog
from structlog.typing import Processor

from shim.api.request_context import add_request_id
from shim.main.log_time import UtcTimestamp

QUIET_LIBRARIES = ("httpx", "httpcore")
REDACTED = "[redacted]"
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"'\\,]+")

_encoder = msgspec.json.Encoder(enc_hook=repr)


def _dumps(event: Any, **_: Any) -> str:
    return _encoder.encode(event).decode()


def process_id_adder(pid: int) -> Processor:
    def add_process_id(_: Any, __: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
        event["pid"] = pid
        return event

    return add_process_id


def redactor(secrets: Iterable[str | None]) -> Processor:
    """Runs on the rendered line: whatever put a secret there, it leaves as `[redacted]`."""
    known = sorted({secret for secret in secrets if secret}, key=len, reverse=True)

    def redact(_: Any, __: str, line: str) -> str:
        for secret in known:
            if secret in line:
                line = line.replace(secret, REDACTED)
        if "earer" in line or "EARER" in line:  # the search itself costs more than this check
            line = _BEARER.sub(rf"\1{REDACTED}", line)
        return line

    return redact  # type: ignore[return-value]


def renders_json(log_format: str, stream: TextIO) -> bool:
    """JSON for machines; a terminal gets readable lines unless JSON is asked for."""
    return log_format == "json" or (log_format == "auto" and not stream.isatty())


def renderer_for(as_json: bool) -> list[Processor]:
    if as_json:
        tracebacks = structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
        return [
            structlog.processors.ExceptionRenderer(tracebacks),
            structlog.processors.JSONRenderer(serializer=_dumps),
        ]
    return [structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback)]


def configure_logging(
    level: str,
    log_format: str,
    stream: TextIO | None = None,
    *,
    worker: bool = False,
    secrets: Iterable[str | None] = (),
) -> None:
    """`worker`: one of several processes, whose lines then carry its process id."""
    stream = stream or sys.stderr
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        add_request_id,
        structlog.processors.add_log_level,
        UtcTimestamp(),
    ]
    if worker:
        shared.append(process_id_adder(os.getpid()))
    rendering = [*renderer_for(renders_json(log_format, stream)), redactor(secrets)]
    structlog.configure(
        processors=[*shared, *rendering],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *rendering],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # shim logs one line per upstream call itself; the client libraries' lines would repeat it.
    for chatty in QUIET_LIBRARIES:
        logging.getLogger(chatty).setLevel(logging.WARNING)
