"""The official `ollama.AsyncClient`: every method, streaming and not, through shim."""

import ollama
import pytest

from tests.support.lmstudio_double import LMStudioDouble

pytestmark = pytest.mark.anyio

MODEL = "qwen3.6-35b-a3b-mtp"
HELLO = [{"role": "user", "content": "hello"}]


async def test_every_method_of_the_async_client(lmstudio: LMStudioDouble, shim: str) -> None:
    client = ollama.AsyncClient(host=shim)
    assert MODEL + ":latest" in [m.model for m in (await client.list()).models]
    assert (await client.show(MODEL)).capabilities == ["completion", "tools", "thinking"]
    assert [m.model for m in (await client.ps()).models] == [MODEL + ":latest"]

    assert (await client.chat(model=MODEL, messages=HELLO)).message.content == "Hello!"
    chunks = [c async for c in await client.chat(model=MODEL, messages=HELLO, stream=True)]
    assert chunks[-1].done
    assert (await client.generate(model=MODEL, prompt="hi")).response == "Hello!"
    parts = [p async for p in await client.generate(model=MODEL, prompt="hi", stream=True)]
    assert "".join(p.response for p in parts) == "Hello!"

    embedder = "text-embedding-nomic-embed-text-v1.5"
    assert len((await client.embed(model=embedder, input=["a", "b"])).embeddings) == 2
    assert (await client.embeddings(model=embedder, prompt="a")).embedding

    assert (await client.pull("ibm/granite-4-micro")).status == "success"
    statuses = [p.status async for p in await client.pull("ibm/granite-4-micro", stream=True)]
    assert statuses[-1] == "success"

    assert (await client.copy(MODEL, "async-copy")).status == "success"
    assert (await client.create(model="async-made", from_=MODEL, system="hi")).status == "success"
    created = [
        p.status async for p in await client.create(model="async-2", from_=MODEL, stream=True)
    ]
    assert created[-1] == "success"
    assert (await client.delete("async-copy")).status == "success"
    names = {m.model for m in (await client.list()).models}
    assert {"async-made:latest", "async-2:latest"} <= names
    assert "async-copy:latest" not in names

    with pytest.raises(ollama.ResponseError) as refused:
        await client.push(MODEL)
    assert refused.value.status_code == 501
    with pytest.raises(ollama.ResponseError) as streamed_refusal:
        [p async for p in await client.push(MODEL, stream=True)]
    assert streamed_refusal.value.status_code == 501
