"""`shim serve`: read Settings once (env, then flags), wire the container, run uvicorn."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import uvicorn

from shim.app import create_app
from shim.config import SETTING_NAMES, Settings, SettingsError, env_var, flag, load_settings
from shim.container import Container
from shim.logging_config import configure_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shim", description="LM Studio behind Ollama's API.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the service")
    for name in SETTING_NAMES:
        serve.add_argument(
            flag(name), dest=name, metavar="VALUE", help=f"overrides {env_var(name)}"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
    uvicorn.Server(server_config(settings)).run()


def server_config(settings: Settings) -> uvicorn.Config:
    """Ollama sends no Server header, and shim writes its own access line."""
    return uvicorn.Config(
        create_app(Container(settings=settings)),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        server_header=False,
        lifespan="on",
    )
