"""structlog set up once: JSON off a terminal, readable on one; uvicorn's own lines included."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

import msgspec
import structlog
from structlog.typing import Processor

from shim.api.request_context import add_request_id

QUIET_LIBRARIES = ("httpx", "httpcore")

_encoder = msgspec.json.Encoder(enc_hook=repr)


def _dumps(event: Any, **_: Any) -> str:
    return _encoder.encode(event).decode()


def process_id_adder(pid: int) -> Processor:
    def add_process_id(_: Any, __: str, event: MutableMapping[str, Any]) -> Mapping[str, Any]:
        event["pid"] = pid
        return event

    return add_process_id


def renders_json(log_format: str, stream: TextIO) -> bool:
    """JSON for machines; a terminal gets readable lines unless JSON is asked for."""
    return log_format == "json" or (log_format == "auto" and not stream.isatty())


def configure_logging(
    level: str, log_format: str, stream: TextIO | None = None, *, worker: bool = False
) -> None:
    """`worker`: one of several processes, whose lines then carry its process id."""
    stream = stream or sys.stderr
    as_json = renders_json(log_format, stream)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        add_request_id,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if worker:
        shared.append(process_id_adder(os.getpid()))
    renderer: Processor
    if as_json:
        shared.append(structlog.processors.dict_tracebacks)
        renderer = structlog.processors.JSONRenderer(serializer=_dumps)
    else:
        renderer = structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(processor=renderer, foreign_pre_chain=shared)
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # shim logs one line per upstream call itself; the client libraries' lines would repeat it.
    for chatty in QUIET_LIBRARIES:
        logging.getLogger(chatty).setLevel(logging.WARNING)
