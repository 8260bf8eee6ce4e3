"""copy/create/delete make persistent aliases; push and blobs answer honestly that they cannot."""

import json
from pathlib import Path

import httpx
import ollama
import pytest

from tests.conftest import StartShim
from tests.support.lmstudio_double import LMStudioDouble

MODEL = "qwen3.6-35b-a3b-mtp"
HELLO = [{"role": "user", "content": "hello"}]


def names(url: str) -> list[str]:
    return [m["name"] for m in httpx.get(url + "/api/tags").json()["models"]]


def test_copy_makes_an_alias_that_lists_shows_and_chats(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    client = ollama.Client(host=shim)
    assert client.copy(MODEL, "coder").status == "success"
    assert "coder:latest" in names(shim)
    assert client.show("coder").capabilities == ["completion", "tools", "thinking"]
    client.chat(model="coder:latest", messages=HELLO)
    assert lmstudio.chat_requests[-1]["model"] == MODEL


def test_copy_answers_like_ollama(shim: str) -> None:
    response = httpx.post(shim + "/api/copy", json={"source": MODEL, "destination": "c2"})
    assert (response.status_code, response.content) == (200, b"")
    missing = httpx.post(shim + "/api/copy", json={"source": "ghost", "destination": "c3"})
    assert (missing.status_code, missing.json()) == (404, {"error": 'model "ghost" not found'})
    bad = httpx.post(shim + "/api/copy", json={"source": MODEL, "destination": "bad name!"})
    assert bad.status_code == 400


def test_an_alias_cannot_hide_an_lm_studio_model(shim: str) -> None:
    response = httpx.post(
        shim + "/api/copy", json={"source": MODEL, "destination": "google/gemma-4-12b-qat"}
    )
    assert response.status_code == 400


def test_delete_removes_aliases_and_refuses_lm_studio_models(shim: str) -> None:
    client = ollama.Client(host=shim)
    client.copy(MODEL, "temp")
    response = httpx.request("DELETE", shim + "/api/delete", json={"model": "temp"})
    assert (response.status_code, response.content) == (200, b"")
    assert "temp:latest" not in names(shim)
    again = httpx.request("DELETE", shim + "/api/delete", json={"name": "temp"})
    assert (again.status_code, again.json()) == (404, {"error": "model 'temp' not found"})
    real = httpx.request("DELETE", shim + "/api/delete", json={"model": MODEL})
    assert real.status_code == 501
    assert "delete" in real.json()["error"]
    assert MODEL + ":latest" in names(shim)


def test_create_streams_statuses_and_its_defaults_apply(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    client = ollama.Client(host=shim)
    statuses = [
        p.status
        for p in client.create(
            model="pirate",
            from_=MODEL,
            system="Talk like a pirate.",
            parameters={"temperature": 0.9, "num_ctx": 4096, "stop": ["Arr"]},
            stream=True,
        )
    ]
    assert statuses[0] == "reading model metadata"
    assert statuses[-1] == "success"
    client.chat(model="pirate", messages=HELLO, options={"temperature": 0.1})
    sent = lmstudio.chat_requests[-1]
    assert sent["messages"][0] == {"role": "system", "content": "Talk like a pirate."}
    assert (sent["temperature"], sent["stop"]) == (0.1, ["Arr"]), "the request's own value wins"
    assert lmstudio.load_requests[-1] == {"model": MODEL, "context_length": 4096}
    shown = httpx.post(shim + "/api/show", json={"model": "pirate"}).json()
    assert shown["system"] == "Talk like a pirate."
    assert "temperature                    0.9" in shown["parameters"]
    assert 'stop                           "Arr"' in shown["parameters"]
    assert 'SYSTEM """Talk like a pirate."""' in shown["modelfile"]


def test_create_refuses_what_it_cannot_do(shim: str) -> None:
    no_source = httpx.post(shim + "/api/create", json={"model": "x"})
    assert (no_source.status_code, no_source.json()) == (
        400,
        {"error": "neither 'from' or 'files' was specified"},
    )
    files = httpx.post(
        shim + "/api/create", json={"model": "x", "files": {"m.gguf": "sha256:" + "0" * 64}}
    )
    assert files.status_code == 501
    quantize = httpx.post(
        shim + "/api/create", json={"model": "x", "from": MODEL, "quantize": "q4_K_M"}
    )
    assert quantize.status_code == 501


def test_create_without_streaming_answers_once(shim: str) -> None:
    response = httpx.post(
        shim + "/api/create", json={"model": "quiet", "from": MODEL, "stream": False}
    )
    assert response.json() == {"status": "success"}


def test_aliases_survive_a_restart(start_shim) -> None:
    first = start_shim()
    ollama.Client(host=first).create(model="keeper", from_=MODEL, system="remember me")
    second = start_shim()
    assert "keeper:latest" in names(second)
    assert (
        httpx.post(second + "/api/show", json={"model": "keeper"}).json()["system"] == "remember me"
    )


def test_workers_sharing_a_state_directory_see_each_others_aliases_at_once(
    start_shim: StartShim,
) -> None:
    """Two shims on one state directory stand for two workers; each caches the model list for
    a minute, yet an alias made or removed through one is known to the other on its next request."""
    made_by, asked = (start_shim(model_cache_ttl_seconds=60, workers=2) for _ in range(2))
    assert "shared:latest" not in names(asked)
    ollama.Client(host=made_by).copy(MODEL, "shared")
    assert "shared:latest" in names(asked)
    assert ollama.Client(host=asked).show("shared").details.family
    ollama.Client(host=made_by).delete("shared")
    assert "shared:latest" not in names(asked)
    assert httpx.post(asked + "/api/show", json={"model": "shared"}).status_code == 404


def test_without_a_usable_state_directory_models_list_and_copy_says_why(
    start_shim: StartShim, tmp_path: Path
) -> None:
    (tmp_path / "plain-file").write_text("")
    shim = start_shim(state_dir=str(tmp_path / "plain-file" / "shim"))
    assert MODEL + ":latest" in names(shim)
    copied = httpx.post(shim + "/api/copy", json={"source": MODEL, "destination": "c4"})
    assert copied.status_code == 500
    assert copied.json()["error"].startswith("cannot save aliases in ")
    assert copied.json()["error"].endswith("shim: Not a directory")


def test_push_is_an_honest_error(shim: str) -> None:
    with pytest.raises(ollama.ResponseError) as raised:
        ollama.Client(host=shim).push(MODEL)
    assert raised.value.status_code == 501
    assert "cannot push" in raised.value.error


def test_blobs_are_not_kept(shim: str) -> None:
    digest = "sha256:" + "a" * 64
    assert httpx.head(shim + f"/api/blobs/{digest}").status_code == 404
    assert httpx.head(shim + "/api/blobs/sha256:short").status_code == 400
    upload = httpx.post(shim + f"/api/blobs/{digest}", content=b"GGUF")
    assert upload.status_code == 501


def test_pull_reports_real_download_progress(lmstudio: LMStudioDouble, shim: str) -> None:
    progress = list(ollama.Client(host=shim).pull("ibm/granite-4-micro", stream=True))
    statuses = [p.status for p in progress]
    assert statuses[0] == "pulling manifest"
    assert statuses[-3:] == ["verifying sha256 digest", "writing manifest", "success"]
    layers = [p for p in progress if p.status and p.status.startswith("pulling ") and p.digest]
    assert [p.completed for p in layers] == [0, 1_000_000, 2_000_000, 3_000_000]
    assert {p.total for p in layers} == {3_000_000}
    assert layers[0].digest.startswith("sha256:")  # type: ignore[union-attr]
    assert lmstudio.download_requests == [{"model": "ibm/granite-4-micro"}]
    assert "ibm/granite-4-micro:latest" in names(shim)


def test_pull_of_a_present_model_succeeds_at_once(lmstudio: LMStudioDouble, shim: str) -> None:
    response = httpx.post(shim + "/api/pull", json={"model": MODEL + ":latest"})
    assert [json.loads(line)["status"] for line in response.text.splitlines()] == [
        "pulling manifest",
        "success",
    ]
    assert lmstudio.status_polls == 0


def test_pull_without_streaming_waits(shim: str) -> None:
    assert ollama.Client(host=shim).pull("ibm/granite-4-micro").status == "success"


def test_pull_failures(lmstudio: LMStudioDouble, shim: str) -> None:
    with pytest.raises(ollama.ResponseError) as raised:
        ollama.Client(host=shim).pull("nobody/nothing")
    assert raised.value.status_code == 404
    lmstudio.downloadable["ibm/granite-4-micro"]["fail"] = "disk full"
    lines = [
        json.loads(line)
        for line in httpx.post(
            shim + "/api/pull", json={"name": "ibm/granite-4-micro"}
        ).text.splitlines()
    ]
    assert lines[-1] == {"error": "LM Studio could not download ibm/granite-4-micro: disk full"}
    assert httpx.post(shim + "/api/pull", json={"model": "bad name!"}).json() == {
        "error": "invalid model name"
    }


def test_pull_needs_lm_studio_0_4(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.api = "v0"
    response = httpx.post(shim + "/api/pull", json={"model": "ibm/granite-4-micro"})
    assert response.status_code == 501


@pytest.mark.parametrize(
    ("method", "path", "body", "error"),
    [
        ("DELETE", "/api/delete", {}, "model is required"),
        ("POST", "/api/copy", {"destination": "y"}, 'source "" is invalid'),
        ("POST", "/api/copy", {"source": "a b", "destination": "y"}, 'source "a b" is invalid'),
        ("POST", "/api/create", {"from": MODEL}, "invalid model name"),
        ("POST", "/api/create", {"model": "-x", "from": MODEL}, "invalid model name"),
        ("POST", "/api/pull", {}, "invalid model name"),
        ("POST", "/api/pull", {"model": "a b"}, "invalid model name"),
        ("POST", "/api/push", {}, "model is required"),
    ],
)
def test_missing_or_invalid_names_are_refused_in_ollamas_words(
    shim: str, method: str, path: str, body: dict[str, str], error: str
) -> None:
    reply = httpx.request(method, shim + path, json=body)
    assert (reply.status_code, reply.json()) == (400, {"error": error})
