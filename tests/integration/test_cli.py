"""`shim serve` and `python -m shim serve` start the service; bad settings stop it with one line."""

import os
import subprocess
import sys
import time

import httpx

from tests.support.servers import free_port


def run_shim(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "shim", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_python_dash_m_serves_with_flags_over_environment() -> None:
    port = free_port()
    process = run_shim("serve", "--port", str(port), env={"SHIM_BACKEND": "fake", "SHIM_PORT": "1"})
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/tags")
                break
            except httpx.ConnectError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "shim did not start"
                time.sleep(0.1)
        assert response.json()["models"][0]["name"] == "fake/thinker-8b:latest"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_bad_setting_exits_non_zero_with_one_line() -> None:
    process = run_shim("serve", env={"SHIM_PORT": "eleven"})
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stderr.count("\n") == 1
    assert stderr.startswith("shim: invalid SHIM_PORT='eleven'")
