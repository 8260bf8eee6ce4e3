"""`shim serve`: read Settings once (env, then flags), then run one server or several workers."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from importlib.metadata import version

import msgspec
import structlog

from shim.main.config import (
    SETTING_NAMES,
    Settings,
    SettingsError,
    flag,
    load_settings,
    settings_notices,
)
from shim.main.hosts import host_tokens
from shim.main.logging_setup import configure_logging
from shim.main.port_check import listening_problem
from shim.main.setting_help import help_for
from shim.main.startup_report import report_when_serving

log = structlog.get_logger("shim.lifecycle")


def shim_version() -> str:
    return version("shim")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shim",
        description="LM Studio behind Ollama's API. Every flag of `serve` and `doctor` may also "
        "be given as its SHIM_* variable; a flag wins.",
    )
    parser.add_argument("--version", action="version", version=f"shim {shim_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("openapi", help="print the OpenAPI document of the routes shim serves")
    add_setting_flags(commands.add_parser("serve", help="run the service"))
    doctor = commands.add_parser(
        "doctor", help="check the connection to LM Studio step by step and say what to fix"
    )
    doctor.add_argument("--json", action="store_true", help="print the findings as JSON")
    add_setting_flags(doctor)
    return parser


def add_setting_flags(command: argparse.ArgumentParser) -> None:
    for name in SETTING_NAMES:
        command.add_argument(flag(name), dest=name, metavar="VALUE", help=help_for(name))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "openapi":
        from shim.api.openapi import openapi_document  # here: `serve` must not load the app

        document = openapi_document(shim_version())
        print(msgspec.json.format(msgspec.json.encode(document)).decode())
        return 0
    flags = setting_flags(args)
    try:
        settings = load_settings(os.environ, flags)
    except SettingsError as error:
        print(f"shim: {error}", file=sys.stderr)
        return 2
    if args.command == "doctor":
        from shim.main.doctor.command import run_doctor

        configure_logging("error", "console", secrets=secrets_of(settings))
        return run_doctor(settings, settings_notices(os.environ, flags), json_output=args.json)
    if problem := listening_problem(settings):
        print(f"shim: {problem}", file=sys.stderr)
        return 1
    serve(settings, settings_notices(os.environ, flags))
    return 0


def secrets_of(settings: Settings) -> tuple[str | None, ...]:
    """What logging must never print."""
    return (settings.api_key, *host_tokens(settings.lmstudio_api_token))


def setting_flags(args: argparse.Namespace) -> Mapping[str, str]:
    return {
        name: value
        for name, value in vars(args).items()
        if name in SETTING_NAMES and value is not None
    }


def serve(settings: Settings, notices: Sequence[str] = ()) -> None:
    configure_logging(
        settings.log_level,
        settings.log_format,
        secrets=secrets_of(settings),
    )
    for notice in notices:
        log.info("settings.notice", notice=notice)
    report_when_serving(settings)
    # Each imports only what it runs: a supervisor of workers never loads the app itself.
    if settings.workers > 1:
        from shim.main.workers import serve_workers

        serve_workers(settings)
    else:
        from shim.main.server import serve_one

        serve_one(settings)
