"""Status codes, headers and bodies exactly as Ollama's clients expect them."""

import httpx
import pytest


def test_root_banner_for_get_and_head(shim: str) -> None:
    got = httpx.get(shim + "/")
    assert (got.status_code, got.text) == (200, "Ollama is running")
    assert got.headers["content-type"].startswith("text/plain")
    head = httpx.head(shim + "/")
    assert (head.status_code, head.content) == (200, b"")


@pytest.mark.parametrize("path", ["/api/version", "/api/tags"])
def test_head_is_served_where_ollama_serves_it(shim: str, path: str) -> None:
    assert httpx.head(shim + path).status_code == 200


def test_version_is_a_plain_dotted_release(start_shim) -> None:
    url = start_shim(ollama_version="0.9.7")
    response = httpx.get(url + "/api/version")
    assert response.json() == {"version": "0.9.7"}
    assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_unknown_route_is_404_in_plain_text(shim: str) -> None:
    response = httpx.get(shim + "/api/nothing")
    assert (response.status_code, response.text) == (404, "404 page not found")


def test_wrong_method_is_405(shim: str) -> None:
    response = httpx.delete(shim + "/api/tags")
    assert (response.status_code, response.text) == (405, "405 method not allowed")


def test_show_accepts_the_legacy_name_key(shim: str) -> None:
    response = httpx.post(shim + "/api/show", json={"name": "google/gemma-4-12b-qat"})
    assert response.status_code == 200
    assert response.json()["capabilities"] == ["completion", "vision"]


def test_show_ignores_content_type_like_ollama(shim: str) -> None:
    body = '{"model":"google/gemma-4-12b-qat"}'
    headers = {"content-type": "application/x-www-form-urlencoded"}
    assert httpx.post(shim + "/api/show", content=body, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", "missing request body"),
        (b"{}", "model is required"),
        (b'{"model": ""}', "model is required"),
    ],
)
def test_show_rejects_requests_without_a_model(shim: str, body: bytes, error: str) -> None:
    response = httpx.post(shim + "/api/show", content=body)
    assert (response.status_code, response.json()) == (400, {"error": error})


@pytest.mark.parametrize("body", [b"{not json", b'{"model": 5}', b"[1,2]"])
def test_malformed_bodies_are_400_with_a_json_error(shim: str, body: bytes) -> None:
    response = httpx.post(shim + "/api/show", content=body)
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert response.json()["error"]


def test_unknown_model_is_404_with_ollamas_message(shim: str) -> None:
    response = httpx.post(shim + "/api/show", json={"model": "Missing"})
    assert (response.status_code, response.json()) == (
        404,
        {"error": "model 'Missing:latest' not found"},
    )


def test_show_by_alias(start_shim) -> None:
    url = start_shim(model_aliases={"coder": "qwen3.6-35b-a3b-mtp"})
    response = httpx.post(url + "/api/show", json={"model": "coder:latest"})
    assert response.json()["model_info"]["general.architecture"] == "qwen35moe"


def test_copilot_gets_its_requested_name_as_basename(shim: str) -> None:
    response = httpx.post(
        shim + "/api/show",
        json={"model": "qwen3.6-35b-a3b-mtp:latest"},
        headers={"user-agent": "GitHubCopilotChat/0.31.0"},
    )
    assert response.json()["model_info"]["general.basename"] == "qwen3.6-35b-a3b-mtp:latest"


def test_request_id_is_echoed_or_generated(shim: str) -> None:
    given = httpx.get(shim + "/api/version", headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    generated = httpx.get(shim + "/api/version").headers["x-request-id"]
    assert len(generated) == 32
    unsafe = httpx.get(shim + "/api/version", headers={"x-request-id": "a b\tc"})
    assert unsafe.headers["x-request-id"] != "a b\tc"


def test_the_one_server_header_is_granians_own(shim: str) -> None:
    """Ollama sends none; Granian always sends its name and offers no way to leave it out
    (docs/compatibility.md). Nothing of shim's own shows."""
    assert httpx.get(shim + "/api/version").headers.get_list("server") == ["granian"]


def test_no_openapi_pages_that_ollama_would_not_have(shim: str) -> None:
    assert httpx.get(shim + "/schema").status_code == 404


PER_REQUEST = {b"date", b"x-request-id"}


def as_sent(response: httpx.Response) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers in order and body, less what differs per request and CORS's additions."""
    headers = [
        (name.lower(), value)
        for name, value in response.headers.raw
        if name.lower() not in PER_REQUEST
        and not name.lower().startswith(b"access-control-")
        and name.lower() != b"vary"
    ]
    return response.status_code, headers, response.content


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path", ["/api/tags", "/api/version"])
def test_ready_answers_are_the_routers_byte_for_byte(shim: str, path: str, method: str) -> None:
    httpx.get(shim + path)  # the catalog is fresh from here on
    ready = httpx.request(method, shim + path)
    routed = httpx.request(method, shim + path, headers={"origin": "http://localhost:3000"})
    assert "access-control-allow-origin" in routed.headers, "CORS stays with the router"
    assert as_sent(ready) == as_sent(routed)
    assert ready.headers["content-length"] == str(len(httpx.get(shim + path).content))


def test_a_stale_catalog_is_refreshed_by_the_router(start_shim, lmstudio) -> None:
    url = start_shim(model_cache_ttl_seconds=0)
    before = httpx.get(url + "/api/tags").json()["models"]
    lmstudio.models = lmstudio.models[:1]
    after = httpx.get(url + "/api/tags").json()["models"]
    assert len(after) == 1 < len(before)


def test_the_fast_path_keeps_the_request_id_and_the_api_key(start_shim) -> None:
    url = start_shim(api_key="k")
    assert httpx.get(url + "/api/tags").status_code == 401
    answered = httpx.get(
        url + "/api/tags", headers={"authorization": "Bearer k", "x-request-id": "fast-1"}
    )
    assert answered.status_code == 200
    assert answered.headers["x-request-id"] == "fast-1"
