"""One behavioural suite for every OpenAIPassthrough: the fake, and LM Studio's against the double."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.fake.passthrough import FakePassthrough
from shim.adapters.fake.streamer import FakeCompletionStreamer
from shim.adapters.lmstudio.catalog import LMStudioModelCatalog
from shim.adapters.lmstudio.passthrough import LMStudioPassthrough
from shim.domain.errors import Unsupported, UpstreamRejected
from shim.domain.models import ModelKind
from shim.domain.ports import ModelCatalog, OpenAIPassthrough, RelayHead
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.upstream import upstream_for

pytestmark = pytest.mark.anyio

# Each relayed route, what its answers are called, and where their text is.
ROUTES = {
    "/v1/chat/completions": ("chat.completion", ("message", "content"), ("delta", "content")),
    "/v1/completions": ("text_completion", ("text",), ("text",)),
}


@dataclass
class Backend:
    passthrough: OpenAIPassthrough
    catalog: ModelCatalog

    async def a_model(self, kind: ModelKind = "llm") -> str:
        return next(m.key for m in await self.catalog.list_models() if m.kind == kind)


@pytest.fixture(params=["fake", "lmstudio"])
async def backend(
    request: pytest.FixtureRequest, lmstudio: LMStudioDouble
) -> AsyncIterator[Backend]:
    if request.param == "fake":
        catalog = FakeModelCatalog()
        yield Backend(FakePassthrough(FakeCompletionStreamer(catalog=catalog)), catalog)
        return
    async with upstream_for(lmstudio.url) as client:
        yield Backend(LMStudioPassthrough(client, idle_seconds=5), LMStudioModelCatalog(client))


def body(path: str, model: str, *, stream: bool) -> bytes:
    asked: dict[str, Any] = {"model": model, "stream": stream}
    if path == "/v1/chat/completions":
        asked["messages"] = [{"role": "user", "content": "hello"}]
    else:
        asked["prompt"] = "Once upon a time"
    return msgspec.json.encode(asked)


async def relayed(
    passthrough: OpenAIPassthrough, path: str, request: bytes
) -> tuple[RelayHead, bytes]:
    pieces = [piece async for piece in passthrough.relay(path, request)]
    head, *rest = pieces
    assert isinstance(head, RelayHead), "the head comes first"
    assert all(isinstance(piece, bytes) for piece in rest), "then only body pieces"
    return head, b"".join(piece for piece in rest if isinstance(piece, bytes))


def dig(payload: dict[str, Any], fields: tuple[str, ...]) -> Any:
    value: Any = payload["choices"][0]
    for field in fields:
        value = value.get(field) if isinstance(value, dict) else None
    return value


@pytest.mark.parametrize("path", ROUTES)
async def test_a_stream_is_sse_data_events_ending_in_done(backend: Backend, path: str) -> None:
    kind, _, piece = ROUTES[path]
    head, whole = await relayed(
        backend.passthrough, path, body(path, await backend.a_model(), stream=True)
    )
    assert head.status == 200
    assert head.content_type.startswith("text/event-stream")
    events = [event for event in whole.decode().split("\n\n") if event.strip()]
    assert all(event.startswith("data: ") for event in events)
    assert events[-1] == "data: [DONE]"
    chunks = [msgspec.json.decode(event.removeprefix("data: ")) for event in events[:-1]]
    assert all(
        chunk["object"] == (f"{kind}.chunk" if kind == "chat.completion" else kind)
        for chunk in chunks
    )
    assert "".join(dig(chunk, piece) or "" for chunk in chunks if chunk["choices"]).strip()
    reasons = [dig(chunk, ("finish_reason",)) for chunk in chunks if chunk["choices"]]
    assert [reason for reason in reasons if reason] == ["stop"]


@pytest.mark.parametrize("path", ROUTES)
async def test_without_a_stream_the_answer_is_one_json_object(backend: Backend, path: str) -> None:
    kind, text, _ = ROUTES[path]
    head, whole = await relayed(
        backend.passthrough, path, body(path, await backend.a_model(), stream=False)
    )
    assert head.status == 200
    assert head.content_type.startswith("application/json")
    answer = msgspec.json.decode(whole)
    assert answer["object"] == kind
    assert isinstance(dig(answer, text), str)
    assert dig(answer, text).strip()
    assert dig(answer, ("finish_reason",)) == "stop"


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_an_unknown_model_is_refused_before_any_head(backend: Backend, stream: bool) -> None:
    path = "/v1/chat/completions"
    relay = backend.passthrough.relay(path, body(path, "nobody/no-such-model", stream=stream))
    with pytest.raises(UpstreamRejected) as refused:
        await anext(relay)
    assert refused.value.status == 400


async def test_an_embedding_model_cannot_chat(backend: Backend) -> None:
    path = "/v1/chat/completions"
    relay = backend.passthrough.relay(
        path, body(path, await backend.a_model("embedding"), stream=True)
    )
    with pytest.raises(UpstreamRejected) as refused:
        await anext(relay)
    assert 400 <= refused.value.status < 500


async def test_a_route_the_backend_does_not_offer_is_unsupported(backend: Backend) -> None:
    relay = backend.passthrough.relay("/v1/audio/speech", b'{"model": "tts", "input": "hi"}')
    with pytest.raises(Unsupported):
        await anext(relay)
