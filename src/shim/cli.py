"""`shim serve`: read Settings once (env, then flags), wire the container, run uvicorn."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Sequence
from types import FrameType

import msgspec
import structlog
import uvicorn

from shim.api.fast_protocol import AnsweringProtocol
from shim.api.openapi import openapi_document
from shim.api.ops.readiness import Readiness
from shim.app import create_app
from shim.config import SETTING_NAMES, Settings, SettingsError, env_var, flag, load_settings
from shim.container import Container
from shim.logging_config import configure_logging
from shim.runtime import settle_heap

log = structlog.get_logger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shim", description="LM Studio behind Ollama's API.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("openapi", help="print the OpenAPI document of the routes shim serves")
    serve = commands.add_parser("serve", help="run the service")
    for name in SETTING_NAMES:
        serve.add_argument(
            flag(name), dest=name, metavar="VALUE", help=f"overrides {env_var(name)}"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "openapi":
        print(
            msgspec.json.format(
                msgspec.json.encode(openapi_document(Settings().ollama_version))
            ).decode()
        )
        return 0
    flags = {
        name: value
        for name, value in vars(args).items()
        if name in SETTING_NAMES and value is not None
    }
    try:
        settings = load_settings(os.environ, flags)
    except SettingsError as error:
        print(f"shim: {error}", file=sys.stderr)
        return 2
    serve(settings)
    return 0


def serve(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)
    container = Container(settings=settings)
    server = DrainingServer(server_config(settings, container), container.readiness())
    settle_heap()
    server.delay_seconds = settings.shutdown_delay_seconds
    server.run()


class DrainingServer(uvicorn.Server):
    """On the first stop signal, report unready first, then stop accepting after a delay.

    In-flight streams then have uvicorn's graceful-shutdown timeout to finish; a second signal
    stops at once.
    """

    delay_seconds = 0.0

    def __init__(self, config: uvicorn.Config, readiness: Readiness) -> None:
        super().__init__(config)
        self._readiness = readiness

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._readiness.draining or not self.delay_seconds:
            super().handle_exit(sig, frame)
            return
        self._readiness.draining = True
        log.info("shutdown.draining", delay_seconds=self.delay_seconds)
        timer = threading.Timer(self.delay_seconds, super().handle_exit, (sig, frame))
        timer.daemon = True
        timer.start()


def server_config(settings: Settings, container: Container | None = None) -> uvicorn.Config:
    """Ollama sends no Server header, and shim writes its own access line."""
    return uvicorn.Config(
        create_app(container or Container(settings=settings)),
        http=AnsweringProtocol,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="on",
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
    )
