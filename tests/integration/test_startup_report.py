"""The start-up line says where shim listens and whether LM Studio answered; the fake backend
never calls out."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import httpx

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.servers import free_port
from tests.support.shim_process import ShimProcess
from tests.support.shim_process import running_shim as running_quiet_shim


def running_shim(
    log: Path, env: dict[str, str], *flags: str
) -> AbstractContextManager[ShimProcess]:
    """A shim that looks for LM Studio at start, as `shim serve` does by default."""
    return running_quiet_shim(log, {"SHIM_STARTUP_CHECK": "true", **env}, *flags)


def test_the_line_tells_what_answered(lmstudio: LMStudioDouble, tmp_path: Path) -> None:
    with running_shim(tmp_path / "log", {"SHIM_LMSTUDIO_URL": lmstudio.url}) as shim:
        serving = shim.wait_for_line("shim.started")
    assert serving["level"] == "info"
    assert serving["url"] == shim.url
    assert (serving["backend"], serving["lmstudio_url"]) == ("lmstudio", lmstudio.url)
    assert serving["lmstudio"] == "answered"
    assert serving["api"] == "/api/v1 (LM Studio 0.4 or later)"
    assert serving["models"] == 3


def test_silent_lm_studio_gets_a_warning_naming_the_fix(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with running_shim(tmp_path / "log", {"SHIM_LMSTUDIO_URL": dead}) as shim:
        assert httpx.get(shim.url + "/healthz").status_code == 200  # serving meanwhile
        warning = shim.wait_for_line("lmstudio.not_answering")
        serving = shim.wait_for_line("shim.started")
    assert serving["lmstudio"] == "no answer"
    assert warning["level"] == "warning"
    assert f"cannot reach LM Studio at {dead}" in warning["reason"]
    assert "lms server start" in warning["fix"]
    assert "SHIM_LMSTUDIO_URL" in warning["fix"]
    assert "shim doctor" in warning["fix"]


def test_a_refused_token_is_named_at_start(lmstudio: LMStudioDouble, tmp_path: Path) -> None:
    lmstudio.required_token = "sk-lm-right"
    env = {"SHIM_LMSTUDIO_URL": lmstudio.url, "SHIM_LMSTUDIO_API_TOKEN": "sk-lm-wrong"}
    with running_shim(tmp_path / "log", env) as shim:
        warning = shim.wait_for_line("lmstudio.not_answering")
    assert "HTTP 401" in warning["reason"]
    assert "SHIM_LMSTUDIO_API_TOKEN" in warning["fix"]
    assert "sk-lm-wrong" not in shim.log_path.read_text()


def test_the_check_can_be_turned_off(lmstudio: LMStudioDouble, tmp_path: Path) -> None:
    env = {"SHIM_LMSTUDIO_URL": lmstudio.url, "SHIM_STARTUP_CHECK": "false"}
    with running_shim(tmp_path / "log", env) as shim:
        serving = shim.wait_for_line("shim.started")
    assert serving["lmstudio"] == "not checked"
    assert not lmstudio.calls


def test_the_fake_backend_never_calls_a_real_server(
    lmstudio: LMStudioDouble, tmp_path: Path
) -> None:
    env = {"SHIM_BACKEND": "fake", "SHIM_LMSTUDIO_URL": lmstudio.url}
    with running_shim(tmp_path / "log", env) as shim:
        serving = shim.wait_for_line("shim.started")
        model = httpx.get(shim.url + "/api/tags").json()["models"][0]["name"]
        chat = {"model": model, "messages": [{"role": "user", "content": "hi"}], "stream": False}
        assert httpx.post(shim.url + "/api/chat", json=chat).status_code == 200
        assert httpx.post(shim.url + "/api/show", json={"model": model}).status_code == 200
        assert httpx.get(shim.url + "/api/ps").status_code == 200
        assert httpx.post(shim.url + "/v1/chat/completions", json=chat).status_code == 200
    assert (serving["backend"], serving["lmstudio_url"]) == ("fake", None)
    assert not lmstudio.calls


def test_a_url_that_is_not_the_server_root_is_named(
    lmstudio: LMStudioDouble, tmp_path: Path
) -> None:
    with running_shim(tmp_path / "log", {"SHIM_LMSTUDIO_URL": lmstudio.url + "/api"}) as shim:
        warning = shim.wait_for_line("lmstudio.not_answering")
    assert "HTTP 200 with an error body" in warning["reason"]
    assert "nothing after the port (its path /api is likely why)" in warning["fix"]


def test_several_workers_write_the_line_once(lmstudio: LMStudioDouble, tmp_path: Path) -> None:
    env = {"SHIM_LMSTUDIO_URL": lmstudio.url, "SHIM_STATE_DIR": str(tmp_path / "state")}
    with running_shim(tmp_path / "log", env, "--workers", "2") as shim:
        shim.wait_for_line("shim.started")
        for _ in range(4):  # every worker has served by now, and built its app
            assert httpx.get(shim.url + "/api/tags").status_code == 200
    lines = [line for line in shim.log_lines() if line["event"] == "shim.started"]
    assert len(lines) == 1
    assert lines[0]["models"] == 3


def test_several_hosts_are_each_looked_at(lmstudio: LMStudioDouble, tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with running_shim(tmp_path / "log", {"SHIM_LMSTUDIO_URL": f"{lmstudio.url},{dead}"}) as shim:
        warning = shim.wait_for_line("lmstudio.not_answering")
        serving = shim.wait_for_line("shim.started")
    assert serving["lmstudio"] == "1 of 2 answered"
    assert serving["hosts"] == [
        {
            "url": lmstudio.url,
            "lmstudio": "answered",
            "api": serving["hosts"][0]["api"],
            "models": 3,
        },
        {"url": dead, "lmstudio": "no answer"},
    ]
    assert warning["host"] == dead
