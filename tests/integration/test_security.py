"""Inbound API key, CORS like Ollama's, and the request size limit."""

import httpx
import pytest


@pytest.fixture
def guarded(start_shim) -> str:
    return start_shim(api_key="s3cret")


def test_api_key_is_required_when_configured(guarded: str) -> None:
    response = httpx.get(guarded + "/api/tags")
    assert (response.status_code, response.json()) == (401, {"error": "unauthorized"})
    assert response.headers["www-authenticate"] == "Bearer"
    wrong = httpx.get(guarded + "/api/tags", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = httpx.get(guarded + "/api/tags", headers={"authorization": "Bearer s3cret"})
    assert right.status_code == 200


@pytest.mark.parametrize("path", ["/", "/healthz", "/readyz"])
def test_banner_and_health_stay_open(guarded: str, path: str) -> None:
    assert httpx.get(guarded + path).status_code == 200


def test_the_key_never_reaches_the_logs(guarded: str, log_capture) -> None:
    httpx.get(guarded + "/api/tags", headers={"authorization": "Bearer s3cret"})
    httpx.get(guarded + "/api/tags", headers={"authorization": "Bearer guess"})
    assert not [r for r in log_capture.records if "s3cret" in str(r) or "guess" in str(r)]


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost",
        "http://localhost:3000",
        "https://127.0.0.1:8443",
        "http://0.0.0.0:8080",
        "app://obsidian.md",
        "vscode-webview://abc123",
        "chrome-extension://abcdef",
    ],
)
def test_local_and_app_origins_are_allowed(shim: str, origin: str) -> None:
    preflight = httpx.options(
        shim + "/api/tags",
        headers={"origin": origin, "access-control-request-method": "GET"},
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == origin
    simple = httpx.get(shim + "/api/tags", headers={"origin": origin})
    assert simple.headers["access-control-allow-origin"] == origin


def test_foreign_origins_are_refused_unless_configured(start_shim) -> None:
    default = start_shim()
    asked = {"origin": "https://evil.example", "access-control-request-method": "GET"}
    assert (
        "access-control-allow-origin"
        not in httpx.options(default + "/api/tags", headers=asked).headers
    )
    extended = start_shim(allowed_origins=("https://*.example",))
    allowed = httpx.options(extended + "/api/tags", headers=asked).headers
    assert allowed["access-control-allow-origin"] == "https://evil.example"


def test_preflight_needs_no_key(guarded: str) -> None:
    preflight = httpx.options(
        guarded + "/api/tags",
        headers={"origin": "http://localhost:3000", "access-control-request-method": "GET"},
    )
    assert preflight.status_code in (200, 204)


def test_oversized_bodies_are_413_with_a_json_error(start_shim) -> None:
    url = start_shim(max_request_bytes=1024)
    response = httpx.post(url + "/api/show", content=b'{"model":"' + b"x" * 2000 + b'"}')
    assert response.status_code == 413
    assert set(response.json()) == {"error"}


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("localhost:11434", 200),
        ("127.0.0.1:11434", 200),
        ("evil.example", 403),
        ("evil.example:11434", 403),
        ("mybox.local", 200),
    ],
)
def test_dns_rebinding_guard_checks_the_host_header(shim: str, host: str, status: int) -> None:
    assert httpx.get(shim + "/api/version", headers={"host": host}).status_code == status


def test_the_host_guard_can_be_widened_or_switched_off(start_shim) -> None:
    widened = start_shim(allowed_hosts=("shim.corp",))
    assert httpx.get(widened + "/api/version", headers={"host": "shim.corp"}).status_code == 200
    off = start_shim(host_check=False)
    assert httpx.get(off + "/api/version", headers={"host": "evil.example"}).status_code == 200
