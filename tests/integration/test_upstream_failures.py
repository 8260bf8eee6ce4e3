"""When LM Studio is down, refuses shim, or misbehaves, clients get an honest JSON error."""

import concurrent.futures

import httpx
import ollama
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.servers import free_port


def test_unreachable_lm_studio_is_503_naming_the_address(start_shim) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    url = start_shim(lmstudio_url=dead)
    response = httpx.get(url + "/api/tags")
    assert response.status_code == 503
    assert response.json()["error"].startswith(f"cannot reach LM Studio at {dead}")
    with pytest.raises(ollama.ResponseError) as raised:
        ollama.Client(host=url).list()
    assert raised.value.status_code == 503


def test_unreachable_lm_studio_says_what_to_do_and_warns(start_shim, log_capture) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    url = start_shim(lmstudio_url=dead)
    error = httpx.get(url + "/api/tags").json()["error"]
    assert "lms server start" in error
    assert "Developer tab" in error
    assert "SHIM_LMSTUDIO_URL" in error
    [failed, *_] = [
        record
        for record in log_capture.records
        if record["event"] == "upstream.call" and dead in record.get("error", "")
    ]
    assert failed["level"] == "warning"
    assert "Connect call failed" in failed["error"] or "refused" in failed["error"].lower()


def test_lm_studio_server_error_is_502(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.fail_status = 500
    response = httpx.get(shim + "/api/tags")
    assert response.status_code == 502
    assert "HTTP 500" in response.json()["error"]
    assert "simulated failure" in response.json()["error"]


def test_token_is_sent_to_lm_studio(lmstudio: LMStudioDouble, start_shim) -> None:
    lmstudio.required_token = "sk-lm-secret"
    url = start_shim(lmstudio_api_token="sk-lm-secret")
    assert httpx.get(url + "/api/tags").status_code == 200
    assert lmstudio.authorizations[-1] == "Bearer sk-lm-secret"


def test_refused_token_is_502_and_not_retried_elsewhere(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.required_token = "sk-lm-secret"
    response = httpx.get(shim + "/api/tags")
    assert response.status_code == 502
    assert "refused shim's API token (HTTP 401)" in response.json()["error"]
    assert lmstudio.calls["GET /api/v0/models"] == 0


def test_200_with_an_error_body_counts_as_failure(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.api = "v0"
    assert httpx.get(shim + "/api/tags").status_code == 200
    assert lmstudio.calls["GET /api/v1/models"] == 1, "answered 200 + error, so shim moved on"
    assert lmstudio.calls["GET /api/v0/models"] == 1


def test_discovery_remembers_the_list_that_worked(lmstudio: LMStudioDouble, start_shim) -> None:
    lmstudio.api = "openai"
    url = start_shim(model_cache_ttl_seconds=0)
    for _ in range(3):
        assert httpx.get(url + "/api/tags").status_code == 200
    assert lmstudio.calls["GET /api/v1/models"] == 1
    assert lmstudio.calls["GET /v1/models"] == 3


def test_an_empty_catalog_lists_no_models(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.models = []
    assert httpx.get(shim + "/api/tags").json() == {"models": []}
    assert httpx.get(shim + "/api/ps").json() == {"models": []}


def test_a_server_with_no_model_list_at_all_is_502(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.api = "none"
    response = httpx.get(shim + "/api/tags")
    assert response.status_code == 502
    assert (
        "offers no model list (tried /api/v1/models, /api/v0/models, /v1/models)"
        in response.json()["error"]
    )


def test_hundred_concurrent_tags_make_one_upstream_call(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.delay_seconds = 0.3
    limits = httpx.Limits(max_connections=100)
    with httpx.Client(limits=limits) as client, concurrent.futures.ThreadPoolExecutor(100) as pool:
        statuses = list(pool.map(lambda _: client.get(shim + "/api/tags").status_code, range(100)))
    assert statuses == [200] * 100
    assert lmstudio.calls["GET /api/v1/models"] == 1


def test_readiness_follows_lm_studio(lmstudio: LMStudioDouble, start_shim) -> None:
    url = start_shim(model_cache_ttl_seconds=0)
    assert httpx.get(url + "/readyz").json() == {"status": "ready", "models": 3}
    lmstudio.fail_status = 503
    response = httpx.get(url + "/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert httpx.get(url + "/healthz").json() == {"status": "ok"}


def test_discovery_retries_a_failing_lm_studio(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.fail_status = 503
    lmstudio.fail_times = 2
    assert httpx.get(shim + "/api/tags").status_code == 200
    assert lmstudio.calls["GET /api/v1/models"] == 3


def test_discovery_gives_up_after_its_retries(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.fail_status = 500
    assert httpx.get(shim + "/api/tags").status_code == 502
    assert lmstudio.calls["GET /api/v1/models"] == 3


def test_generation_is_never_retried(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.reject = (500, {"error": "engine crashed"})
    assert (
        httpx.post(
            shim + "/api/chat",
            json={"model": "qwen3.6-35b-a3b-mtp", "messages": [{"role": "user", "content": "x"}]},
        ).status_code
        == 502
    )
    assert lmstudio.calls["POST /v1/chat/completions"] == 1
