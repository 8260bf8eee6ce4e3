"""`shim doctor [--json] [setting flags]`: exit 0 when nothing failed, 1 otherwise."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import msgspec

from shim.main.config import Settings
from shim.main.doctor.checks import diagnose
from shim.main.doctor.report import as_json, as_text


def run_doctor(settings: Settings, notices: Sequence[str] = (), *, json_output: bool) -> int:
    diagnosis = msgspec.structs.replace(asyncio.run(diagnose(settings)), notices=list(notices))
    print(as_json(diagnosis) if json_output else as_text(diagnosis))
    return 0 if diagnosis.ok else 1
