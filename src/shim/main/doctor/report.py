"""`shim doctor`'s findings, for people (aligned lines) and for machines (`--json`)."""

from __future__ import annotations

from typing import Any

import msgspec

from shim.main.doctor.findings import Diagnosis

MARKS = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}


def as_text(diagnosis: Diagnosis) -> str:
    where = f", LM Studio at {diagnosis.lmstudio_url}" if diagnosis.backend == "lmstudio" else ""
    lines = [f"shim doctor: backend {diagnosis.backend}{where}"]
    lines.extend(f"  note: {notice}" for notice in diagnosis.notices)
    width = max(len(check.name) for check in diagnosis.checks)
    host = None
    for check in diagnosis.checks:
        if check.host != host and check.host is not None:
            lines.append(f"  LM Studio at {check.host}:")
        host = check.host
        lines.append(f"  [{MARKS[check.status]}] {check.name:<{width}}  {check.detail}")
        if check.fix:
            lines.append(f"  {'':6} {'':<{width}}  -> {check.fix}")
    if diagnosis.models:
        lines.append("models as shim will list them:")
        lines.extend(
            f"  {model.name}  {', '.join(model.capabilities)}"
            + ("  (loaded)" if model.loaded else "")
            for model in diagnosis.models
        )
    failed = sum(check.status == "fail" for check in diagnosis.checks)
    lines.append("all good" if not failed else f"{failed} problem(s): see the -> lines")
    return "\n".join(lines)


def as_json(diagnosis: Diagnosis) -> str:
    document: dict[str, Any] = {"ok": diagnosis.ok, **msgspec.to_builtins(diagnosis)}
    return msgspec.json.encode(document).decode()
