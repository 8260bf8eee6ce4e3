"""`shim doctor` against the LM Studio double in each state it can be found in."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from shim.main.config import Settings
from shim.main.doctor.checks import diagnose
from shim.main.doctor.findings import Check, Diagnosis
from shim.main.doctor.report import as_text
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.servers import free_port, serve


def doctor(lmstudio: LMStudioDouble, **overrides: Any) -> Diagnosis:
    settings = Settings(**{"lmstudio_url": lmstudio.url, "port": free_port(), **overrides})
    return asyncio.run(diagnose(settings))


def check(diagnosis: Diagnosis, name: str) -> Check:
    [found] = [check for check in diagnosis.checks if check.name == name]
    return found


def test_a_healthy_lm_studio_passes_every_step(lmstudio: LMStudioDouble) -> None:
    diagnosis = doctor(lmstudio)
    assert diagnosis.ok
    assert [c.name for c in diagnosis.checks] == [
        "port", "tcp", "http", "greeting", "apis", "auth", "jit",
    ]  # fmt: skip
    assert all(c.status == "ok" for c in diagnosis.checks)
    assert "/api/v1 (LM Studio 0.4 or later): 3 models" in check(diagnosis, "apis").detail
    assert check(diagnosis, "jit").detail.startswith("on")
    assert check(diagnosis, "auth").detail == "not required"


def test_models_are_named_and_described_as_shim_lists_them(
    lmstudio: LMStudioDouble, shim: str, tmp_path: Path
) -> None:
    copy = {"source": "google/gemma-4-12b-qat", "destination": "seer"}
    assert httpx.post(shim + "/api/copy", json=copy).status_code == 200
    listed = {
        model.name: model for model in doctor(lmstudio, state_dir=str(tmp_path / "state")).models
    }
    assert "seer:latest" in listed
    tags = httpx.get(shim + "/api/tags").json()["models"]
    assert sorted(listed) == sorted(tag["name"] for tag in tags)
    for tag in tags:
        shown = httpx.post(shim + "/api/show", json={"model": tag["name"]}).json()
        assert listed[tag["name"]].capabilities == shown["capabilities"]
    loaded = {entry["name"] for entry in httpx.get(shim + "/api/ps").json()["models"]}
    assert {name for name, model in listed.items() if model.loaded} == loaded


def test_nothing_listening_fails_at_tcp_with_how_to_start_lm_studio() -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    diagnosis = asyncio.run(diagnose(Settings(lmstudio_url=dead, port=free_port())))
    assert not diagnosis.ok
    tcp = check(diagnosis, "tcp")
    assert tcp.status == "fail"
    assert "lms server start" in (tcp.fix or "")
    assert diagnosis.checks[-1] is tcp  # nothing further is tried


def test_a_url_answering_200_with_an_error_body_is_flagged(lmstudio: LMStudioDouble) -> None:
    diagnosis = doctor(lmstudio, lmstudio_url=lmstudio.url + "/api")
    apis = check(diagnosis, "apis")
    assert apis.status == "fail"
    assert "HTTP 200 with an error body" in apis.detail
    assert "its path /api is likely why" in (apis.fix or "")


def test_lm_studio_0_3_is_read_from_api_v0(lmstudio: LMStudioDouble) -> None:
    lmstudio.api = "v0"
    diagnosis = doctor(lmstudio)
    assert diagnosis.ok
    apis = check(diagnosis, "apis").detail
    assert "/api/v1 (LM Studio 0.4 or later): HTTP 200 with an error body" in apis
    assert "/api/v0 (LM Studio 0.3): 3 models" in apis
    assert check(diagnosis, "jit").detail.startswith("cannot tell")


def test_an_openai_compatible_server_is_not_greeted_but_served(lmstudio: LMStudioDouble) -> None:
    lmstudio.api = "openai"
    diagnosis = doctor(lmstudio)
    assert diagnosis.ok
    assert check(diagnosis, "greeting").status == "warn"
    assert "/v1 (OpenAI-compatible): 3 models" in check(diagnosis, "apis").detail


def test_authentication_required_without_a_token(lmstudio: LMStudioDouble) -> None:
    lmstudio.required_token = "sk-lm-right"
    auth = check(doctor(lmstudio), "auth")
    assert auth.status == "fail"
    assert "requires authentication" in auth.detail
    assert "SHIM_LMSTUDIO_API_TOKEN" in (auth.fix or "")


def test_a_token_lm_studio_refuses(lmstudio: LMStudioDouble) -> None:
    lmstudio.required_token = "sk-lm-right"
    diagnosis = doctor(lmstudio, lmstudio_api_token="sk-lm-wrong")
    assert not diagnosis.ok
    assert (
        check(diagnosis, "auth").detail == "LM Studio refuses the token in SHIM_LMSTUDIO_API_TOKEN"
    )
    assert "HTTP 401" in check(diagnosis, "apis").detail


def test_a_token_lm_studio_accepts(lmstudio: LMStudioDouble) -> None:
    lmstudio.required_token = "sk-lm-right"
    diagnosis = doctor(lmstudio, lmstudio_api_token="sk-lm-right")
    assert diagnosis.ok
    assert check(diagnosis, "auth").detail == "required; the token is accepted"


def test_jit_off_with_a_model_loaded_is_fine(lmstudio: LMStudioDouble) -> None:
    lmstudio.jit = False
    diagnosis = doctor(lmstudio)
    assert diagnosis.ok
    assert check(diagnosis, "jit").detail == "off: only the 1 loaded models can answer"


def test_jit_off_with_nothing_loaded_is_a_failure(lmstudio: LMStudioDouble) -> None:
    lmstudio.jit = False
    for model in lmstudio.models:
        model["loaded_instances"] = []
    jit = check(doctor(lmstudio), "jit")
    assert jit.status == "fail"
    assert "lms load" in (jit.fix or "")
    assert "Just in Time Model Loading" in (jit.fix or "")


def test_a_port_held_by_a_real_ollama_is_flagged(lmstudio: LMStudioDouble) -> None:
    async def ollama_root(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"Ollama is running"})

    with serve(ollama_root) as url:
        diagnosis = doctor(lmstudio, port=int(url.rsplit(":", 1)[1]))
    port = check(diagnosis, "port")
    assert port.status == "fail"
    assert "a real Ollama" in port.detail
    assert "`systemctl stop ollama`" in (port.fix or "")
    assert "choose another port with SHIM_PORT=11435 or --port 11435" in (port.fix or "")


def test_the_fake_backend_needs_no_lm_studio() -> None:
    diagnosis = asyncio.run(diagnose(Settings(backend="fake", port=free_port())))
    assert diagnosis.ok
    assert [c.name for c in diagnosis.checks] == ["port", "backend"]


def test_the_text_report_puts_each_fix_under_its_step(lmstudio: LMStudioDouble) -> None:
    lmstudio.required_token = "sk-lm-right"
    text = as_text(doctor(lmstudio))
    assert text.startswith(f"shim doctor: backend lmstudio, LM Studio at {lmstudio.url}\n")
    assert "[FAIL] auth" in text
    assert "-> set SHIM_LMSTUDIO_API_TOKEN" in text
    assert text.endswith("problem(s): see the -> lines")


def run_doctor_process(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shim", "doctor", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("healthy", [True, False])
def test_doctor_exits_0_or_1_and_speaks_json(lmstudio: LMStudioDouble, healthy: bool) -> None:
    lmstudio.required_token = None if healthy else "sk-lm-right"
    env = {"SHIM_LMSTUDIO_URL": "http://127.0.0.1:9", "SHIM_PORT": str(free_port())}
    done = run_doctor_process("--json", "--lmstudio-url", lmstudio.url + "/v1", env=env)
    assert done.returncode == (0 if healthy else 1), done.stderr
    document = json.loads(done.stdout)
    assert document["ok"] is healthy
    assert document["lmstudio_url"] == lmstudio.url  # the flag wins over the variable
    assert document["notices"] == [
        f"--lmstudio-url ends in /v1; using the server's root, {lmstudio.url}"
    ]
    assert {c["name"]: c["status"] for c in document["checks"]}["auth"] == (
        "ok" if healthy else "fail"
    )


def test_doctor_reports_bad_settings_like_serve() -> None:
    done = run_doctor_process(env={"SHIM_LOG_LEVEL": "loud"})
    assert done.returncode == 2
    assert done.stderr.startswith("shim: invalid SHIM_LOG_LEVEL='loud': expected one of")


def test_through_a_proxy_the_first_hop_is_the_proxys(lmstudio: LMStudioDouble) -> None:
    dead_proxy = f"http://127.0.0.1:{free_port()}"
    tcp = check(doctor(lmstudio, lmstudio_proxy=dead_proxy), "tcp")
    assert tcp.status == "fail"
    assert tcp.detail.startswith(dead_proxy)


def test_an_unreadable_alias_file_is_flagged(lmstudio: LMStudioDouble, tmp_path: Path) -> None:
    (tmp_path / "aliases.json").write_text("{not json")
    diagnosis = doctor(lmstudio, state_dir=str(tmp_path))
    aliases = check(diagnosis, "aliases")
    assert aliases.status == "fail"
    assert "is unreadable" in aliases.detail
    assert len(diagnosis.models) == 3  # LM Studio's models are listed all the same


def test_several_hosts_are_each_checked_and_their_models_listed_once(
    lmstudio: LMStudioDouble, second_lmstudio: LMStudioDouble
) -> None:
    second_lmstudio.required_token = "sk-lm-b"
    second_lmstudio.models = second_lmstudio.models[:1]  # a model the first host has too
    for model in lmstudio.models:
        model["loaded_instances"] = []
    both = f"{lmstudio.url},{second_lmstudio.url}"
    diagnosis = doctor(lmstudio, lmstudio_url=both, lmstudio_api_token=",sk-lm-b")
    assert diagnosis.ok
    auth = [(c.host, c.detail) for c in diagnosis.checks if c.name == "auth"]
    assert auth == [
        (lmstudio.url, "not required"),
        (second_lmstudio.url, "required; the token is accepted"),
    ]
    names = [model.name for model in diagnosis.models]
    assert len(names) == len(set(names)) == 3
    assert [model.name for model in diagnosis.models if model.loaded] == [
        "qwen3.6-35b-a3b-mtp:latest"  # loaded on the second host only
    ]
    text = as_text(diagnosis)
    assert f"  LM Studio at {second_lmstudio.url}:\n" in text


def test_one_host_of_several_down_fails_the_diagnosis(lmstudio: LMStudioDouble) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    diagnosis = doctor(lmstudio, lmstudio_url=f"{lmstudio.url},{dead}")
    assert not diagnosis.ok
    [tcp] = [c for c in diagnosis.checks if c.name == "tcp" and c.host == dead]
    assert tcp.status == "fail"
    assert len(diagnosis.models) == 3


def test_aliases_in_redis_are_listed(
    lmstudio: LMStudioDouble, redis_url: str, tmp_path: Path
) -> None:
    import redis

    alias = {
        "name": "seer",
        "target": "google/gemma-4-12b-qat",
        "created_at": "2026-01-01T00:00:00Z",
    }
    with redis.Redis.from_url(redis_url) as client:
        client.set("shim:aliases", json.dumps([alias]))
    settings = {"state_backend": "redis", "redis_url": redis_url, "state_dir": str(tmp_path)}
    diagnosis = doctor(lmstudio, **settings)
    assert "seer:latest" in {model.name for model in diagnosis.models}
    assert not [c for c in diagnosis.checks if c.name == "aliases"]


def test_a_redis_that_does_not_answer_is_flagged(lmstudio: LMStudioDouble, tmp_path: Path) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    diagnosis = doctor(lmstudio, state_backend="redis", redis_url=dead, state_dir=str(tmp_path))
    aliases = check(diagnosis, "aliases")
    assert aliases.status == "fail"
    assert "SHIM_REDIS_URL" in (aliases.fix or "")
    assert len(diagnosis.models) == 3
    assert not diagnosis.ok
