"""`shim serve` and `python -m shim serve` start the service; bad settings stop it with one line."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.shim_process import running_shim


def run_shim(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "shim", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_python_dash_m_serves_with_flags_over_environment(tmp_path: Path) -> None:
    env = {"SHIM_BACKEND": "fake", "SHIM_PORT": "1"}  # running_shim passes --port
    with running_shim(tmp_path / "log", env) as shim:
        response = httpx.get(shim.url + "/api/tags")
    assert response.json()["models"][0]["name"] == "fake/thinker-8b:latest"
    [serving] = [line for line in shim.log_lines() if line["event"] == "shim.serving"]
    assert serving["url"] == shim.url
    assert serving["backend"] == "fake"


def test_bad_setting_exits_non_zero_with_one_line() -> None:
    process = run_shim("serve", env={"SHIM_PORT": "eleven"})
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stderr.count("\n") == 1
    assert stderr.startswith("shim: invalid SHIM_PORT='eleven'")


def test_a_port_already_taken_is_said_plainly() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        stopped = subprocess.run(
            [sys.executable, "-m", "shim", "serve", "--backend", "fake", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert stopped.returncode == 1
    assert "the port is taken" in stopped.stderr
    assert "SHIM_PORT" in stopped.stderr
    assert "Traceback" not in stopped.stderr
