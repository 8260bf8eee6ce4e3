"""A body with more JSON values than SHIM_MAX_JSON_VALUES is a 413 before it is decoded, so one
request's decoded size stays bounded in memory."""

from pathlib import Path

import httpx
import pytest

from tests.support.shim_process import running_shim

MODEL = "qwen3.6-35b-a3b-mtp"
EMBEDDER = "text-embedding-nomic-embed-text-v1.5"
LIMIT = "request body too large: more than 1000 JSON values (SHIM_MAX_JSON_VALUES)"


def embed_body(items: int) -> bytes:
    """`items` strings in `input`: with the body's two members, `items + 2` values."""
    strings = b",".join([b'"a"'] * items)
    return b'{"model":"' + EMBEDDER.encode() + b'","input":[' + strings + b"]}"


@pytest.fixture
def limited(start_shim) -> str:
    return start_shim(max_json_values=1000)


def test_more_values_than_the_limit_is_a_413_naming_it(limited: str) -> None:
    response = httpx.post(limited + "/api/embed", content=embed_body(999))
    assert (response.status_code, response.json()) == (413, {"error": LIMIT})


def test_up_to_the_limit_is_served(limited: str) -> None:
    response = httpx.post(limited + "/api/embed", content=embed_body(998))
    assert response.status_code == 200, response.text
    assert len(response.json()["embeddings"]) == 998


def test_commas_and_brackets_inside_strings_are_not_values(limited: str) -> None:
    text = '[{"a": 1, "b": "\\"quoted, [still] text\\""}], ' * 400
    body = {"model": MODEL, "messages": [{"role": "user", "content": text}], "stream": False}
    response = httpx.post(limited + "/api/chat", json=body)
    assert response.status_code == 200, response.text


def test_the_openai_dialect_is_limited_in_openai_s_envelope(limited: str) -> None:
    messages = ",".join(['{"role":"user","content":"hi"}'] * 400)
    body = f'{{"model":"{MODEL}","messages":[{messages}]}}'
    response = httpx.post(limited + "/v1/chat/completions", content=body)
    assert response.status_code == 413
    assert response.json()["error"]["message"] == LIMIT


def test_a_huge_array_of_tiny_values_stays_small_in_memory(tmp_path: Path) -> None:
    """Decoded, 40 MB of `{}` would take well over the bound; refused unread, the body costs
    about what reading it costs."""
    body = b'{"model":"m","input":[' + b"{}," * 13_000_000 + b"{}]}"
    env = {"SHIM_BACKEND": "fake", "SHIM_STATE_DIR": str(tmp_path / "state")}
    with running_shim(tmp_path / "log", env) as shim:
        response = httpx.post(shim.url + "/api/embed", content=body, timeout=60)
        peak_mib = peak_rss_mib(shim.process.pid)
    assert peak_mib < 600
    assert response.status_code == 413


def peak_rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024
