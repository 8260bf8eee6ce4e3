"""Account and cloud routes answer as a local Ollama with its cloud disabled does."""

import httpx
import pytest

from tests.support.lmstudio_double import LMStudioDouble


def test_status_says_the_cloud_is_disabled(shim: str) -> None:
    reply = httpx.get(shim + "/api/status")
    assert (reply.status_code, reply.json()) == (
        200,
        {"cloud": {"disabled": True, "source": "config"}},
    )


def test_nobody_is_signed_in(shim: str) -> None:
    me = httpx.post(shim + "/api/me")
    assert (me.status_code, me.json()) == (401, {"error": "unauthorized"})
    for reply in (
        httpx.post(shim + "/api/signout"),
        httpx.delete(shim + "/api/user/keys/c3NoLWVkMjU1MTk"),
    ):
        assert (reply.status_code, reply.json()) == (
            401,
            {"error": "you are not currently signed in"},
        )


@pytest.mark.parametrize(
    ("path", "body", "operation"),
    [
        ("/api/experimental/web_search", {"query": "lm studio"}, "web search is unavailable"),
        ("/api/experimental/web_fetch", {"url": "https://example.com"}, "web fetch is unavailable"),
    ],
)
def test_web_tools_are_refused_as_cloud_features(
    shim: str, path: str, body: dict[str, str], operation: str
) -> None:
    reply = httpx.post(shim + path, json=body)
    assert (reply.status_code, reply.json()) == (
        403,
        {"error": f"ollama cloud is disabled: {operation}"},
    )
    empty = httpx.post(shim + path, content=b"")
    assert (empty.status_code, empty.json()) == (400, {"error": "missing request body"})


def test_recommendations_are_the_models_that_run_here(lmstudio: LMStudioDouble, shim: str) -> None:
    reply = httpx.get(shim + "/api/experimental/model-recommendations")
    assert reply.status_code == 200
    recommended = reply.json()["recommendations"]
    tags = httpx.get(shim + "/api/tags").json()["models"]
    llms = [m["name"] for m in tags if "embedding" not in m["capabilities"]]
    assert sorted(r["model"] for r in recommended) == sorted(llms)
    assert all(r["description"] for r in recommended)
    assert any(r.get("context_length") == 262144 for r in recommended)
