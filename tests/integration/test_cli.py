"""`shim serve` and `python -m shim serve` start the service; bad settings stop it with one line."""

import json
import os
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from shim.main.cli import main
from shim.main.config import SETTING_NAMES, env_var, flag
from shim.main.setting_help import MEANINGS
from tests.support.servers import serve
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
        serving = shim.wait_for_line("shim.serving")
    assert response.json()["models"][0]["name"] == "fake/thinker-8b:latest"
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


def test_a_port_held_by_ollama_is_named_with_the_way_out() -> None:
    async def ollama_root(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"Ollama is running"})

    with serve(ollama_root) as url:
        port = url.rsplit(":", 1)[1]
        stopped = subprocess.run(
            [sys.executable, "-m", "shim", "serve", "--backend", "fake", "--port", port],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert stopped.returncode == 1
    assert "a real Ollama (or another shim) is running there" in stopped.stderr
    assert "--port 11435" in stopped.stderr
    assert "Traceback" not in stopped.stderr


def test_a_bad_variable_stops_shim_even_when_a_flag_overrides_it() -> None:
    process = run_shim("serve", "--port", "8080", env={"SHIM_PORT": "abc"})
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert stderr.startswith("shim: invalid SHIM_PORT='abc'")


@pytest.mark.parametrize("name", SETTING_NAMES)
def test_serve_help_shows_every_option_with_its_default_and_meaning(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # so that argparse wraps no line
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert flag(name) in text
    assert MEANINGS[name] in text
    assert f"[{env_var(name)}, default: " in text


def test_help_names_the_commands_and_version_prints_shims(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "serve" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"shim {version('shim')}"


def test_openapi_carries_shims_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi"]) == 0
    assert json.loads(capsys.readouterr().out)["info"]["version"] == version("shim")


def test_a_url_ending_in_v1_is_served_with_a_notice(tmp_path: Path) -> None:
    env = {"SHIM_BACKEND": "fake", "SHIM_LMSTUDIO_URL": "http://127.0.0.1:9/v1"}
    with running_shim(tmp_path / "log", env) as shim:
        assert httpx.get(shim.url + "/api/tags").status_code == 200
        notice = shim.wait_for_line("settings.notice")
    assert notice["notice"].startswith("SHIM_LMSTUDIO_URL ends in /v1")
