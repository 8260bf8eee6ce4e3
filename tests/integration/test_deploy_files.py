"""The deployment recipes: the Containerfile read instruction by instruction (no base image can
be pulled where the tests run, so it is linted, and its health check run against a real shim),
the systemd unit verified by systemd's own tools where they exist, the launchd plist parsed."""

from __future__ import annotations

import json
import plistlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shim.main.config import Settings
from tests.support.servers import free_port, serve_shim

ROOT = Path(__file__).parents[2]
DEFAULT_GRACE = Settings().shutdown_grace_seconds + Settings().shutdown_delay_seconds


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", path.read_text())
    found = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


CONTAINERFILE = instructions(ROOT / "Containerfile")


def final_stage() -> list[tuple[str, str]]:
    starts = [i for i, (keyword, _) in enumerate(CONTAINERFILE) if keyword == "FROM"]
    return CONTAINERFILE[starts[-1] :]


def test_the_image_is_slim_in_every_stage() -> None:
    bases = [rest for keyword, rest in CONTAINERFILE if keyword == "FROM"]
    assert bases
    assert all("-slim" in base for base in bases), bases


def test_the_image_runs_as_a_user_that_is_not_root() -> None:
    stage = final_stage()
    users = [i for i, (keyword, _) in enumerate(stage) if keyword == "USER"]
    assert users, "the final stage names a user"
    user = stage[users[-1]][1]
    assert user not in ("root", "0")
    starts = [i for i, (keyword, _) in enumerate(stage) if keyword in ("CMD", "ENTRYPOINT")]
    assert users[-1] < min(starts)


def test_the_image_installs_from_the_lock_file() -> None:
    syncs = [rest for keyword, rest in CONTAINERFILE if keyword == "RUN" and "uv sync" in rest]
    assert syncs
    assert all("--locked" in sync and "--no-dev" in sync for sync in syncs)
    copied = " ".join(rest for keyword, rest in CONTAINERFILE if keyword == "COPY")
    assert "uv.lock" in copied


def test_the_context_leaves_out_local_environments() -> None:
    ignored = (ROOT / ".containerignore").read_text().split()
    assert {".venv", ".git", ".tools"} <= set(ignored)
    assert (ROOT / ".dockerignore").read_text() == (ROOT / ".containerignore").read_text()


def healthcheck() -> list[str]:
    [rest] = [rest for keyword, rest in final_stage() if keyword == "HEALTHCHECK"]
    command: list[str] = json.loads(rest.partition("CMD ")[2])
    return command


def test_the_health_check_asks_readyz_on_the_port_served() -> None:
    exposed = [rest for keyword, rest in final_stage() if keyword == "EXPOSE"]
    assert exposed == [str(Settings().port)]
    assert f"127.0.0.1:{Settings().port}/readyz" in " ".join(healthcheck())


def run_healthcheck(port: int) -> int:
    program, *arguments = (part.replace("11434", str(port)) for part in healthcheck())
    assert program == "python"
    return subprocess.run([sys.executable, *arguments], capture_output=True).returncode


def test_the_health_check_passes_when_ready_and_fails_when_lm_studio_is_gone(
    tmp_path: Path,
) -> None:
    ready = Settings(backend="fake", port=free_port(), state_dir=str(tmp_path))
    with serve_shim(ready):
        assert run_healthcheck(ready.port) == 0
    gone = Settings(
        lmstudio_url=f"http://127.0.0.1:{free_port()}",
        port=free_port(),
        state_dir=str(tmp_path),
        discovery_retries=0,
    )
    with serve_shim(gone):
        assert run_healthcheck(gone.port) != 0


UNIT = ROOT / "deploy" / "shim.service"


def unit_settings() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


HARDENING = {
    "NoNewPrivileges": "yes",
    "DynamicUser": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "CapabilityBoundingSet": "",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    "SystemCallFilter": "@system-service",
}


@pytest.mark.parametrize(("key", "value"), HARDENING.items())
def test_the_unit_is_hardened(key: str, value: str) -> None:
    assert value in unit_settings()[key]


def test_the_unit_serves_and_waits_out_the_drain() -> None:
    settings = unit_settings()
    assert settings["ExecStart"][0].endswith("/shim serve")
    assert settings["StateDirectory"] == ["shim"]
    assert float(settings["TimeoutStopSec"][0]) > DEFAULT_GRACE


def unit_for_this_machine(tmp_path: Path) -> Path:
    """The unit with its ExecStart pointing at this environment's shim, which systemd checks."""
    shim = Path(sys.executable).parent / "shim"
    unit = tmp_path / "shim.service"
    unit.write_text(UNIT.read_text().replace("/opt/shim/.venv/bin/shim", str(shim)))
    return unit


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_verifies_the_unit(tmp_path: Path) -> None:
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit_for_this_machine(tmp_path))],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "shim.service" not in done.stderr, done.stderr


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_rates_the_unit_exposure_low(tmp_path: Path) -> None:
    done = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(unit_for_this_machine(tmp_path))],
        capture_output=True,
        text=True,
    )
    match = re.search(r"Overall exposure level for shim\.service: ([\d.]+)", done.stdout)
    assert match, done.stdout + done.stderr
    assert float(match.group(1)) < 2.0, done.stdout


def test_the_launchd_agent_runs_shim_and_restarts_it_only_on_failure() -> None:
    with (ROOT / "deploy" / "local.shim.plist").open("rb") as plist:
        agent = plistlib.load(plist)
    assert agent["Label"] == "local.shim"
    assert agent["ProgramArguments"][-1] == "serve"
    assert Path(agent["ProgramArguments"][0]).name == "shim"
    assert agent["RunAtLoad"] is True
    assert agent["KeepAlive"] == {"SuccessfulExit": False}
    assert agent["ExitTimeOut"] > DEFAULT_GRACE
    assert all(name.startswith("SHIM_") for name in agent["EnvironmentVariables"])
