"""`shim serve`: read Settings once (env, then flags), then run one server or several workers."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from collections.abc import Sequence

import msgspec

from shim.main.config import SETTING_NAMES, Settings, SettingsError, env_var, flag, load_settings
from shim.main.hosts import host_tokens
from shim.main.logging_setup import configure_logging


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
        from shim.api.openapi import openapi_document  # here: `serve` must not load the app

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
    if problem := listening_problem(settings):
        print(f"shim: {problem}", file=sys.stderr)
        return 1
    serve(settings)
    return 0


def listening_problem(settings: Settings) -> str | None:
    """Why shim could not listen where Settings say, asked before anything starts: the
    server's own bind error comes with a backtrace that says less."""
    try:
        socket.create_server((settings.host, settings.port)).close()
    except OSError as error:
        where = f"{settings.host}:{settings.port}"
        if error.errno == errno.EADDRINUSE:
            return (
                f"cannot listen on {where}: the port is taken (is Ollama, or another shim, "
                f"running?); choose another with {env_var('port')} or {flag('port')}"
            )
        return f"cannot listen on {where}: {error.strerror or error}"
    return None


def serve(settings: Settings) -> None:
    configure_logging(
        settings.log_level,
        settings.log_format,
        secrets=(settings.api_key, *host_tokens(settings.lmstudio_api_token)),
    )
    # Each imports only what it runs: a supervisor of workers never loads the app itself.
    if settings.workers > 1:
        from shim.main.workers import serve_workers

        serve_workers(settings)
    else:
        from shim.main.server import serve_one

        serve_one(settings)
