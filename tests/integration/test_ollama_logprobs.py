"""Log probabilities: asked for, sent to the backend, and returned in Ollama's shape when it has
them (llama.cpp's server does; LM Studio sends `logprobs: null`)."""

from typing import Any

import httpx
import ollama
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import DONE, frame

MODEL = "qwen3.6-35b-a3b-mtp"
HELLO = [{"role": "user", "content": "hello"}]
HI = {"token": "Hi", "logprob": -0.25, "bytes": [72, 105]}
HEY = {"token": "Hey", "logprob": -2.5, "bytes": [72, 101, 121]}


def chunk(delta: dict[str, Any], logprobs: Any = None, finish: str | None = None) -> bytes:
    choice = {"index": 0, "delta": delta, "logprobs": logprobs, "finish_reason": finish}
    return frame(
        {"id": "c", "object": "chat.completion.chunk", "model": MODEL, "choices": [choice]}
    )


SCRIPT = [
    chunk({"content": "Hi"}, {"content": [{**HI, "top_logprobs": [HI, HEY]}]}),
    chunk({"content": "!"}, {"content": [{"token": "!", "logprob": -0.5, "top_logprobs": []}]}),
    chunk({}, finish="stop"),
    DONE,
]


def test_streamed_logprobs_come_with_their_tokens(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = SCRIPT
    chunks = list(
        ollama.Client(host=shim).chat(
            model=MODEL, messages=HELLO, stream=True, logprobs=True, top_logprobs=2
        )
    )
    sent = lmstudio.chat_requests[-1]
    assert (sent["logprobs"], sent["top_logprobs"]) == (True, 2)
    with_logprobs = [c for c in chunks if c.logprobs]
    assert [c.message.content for c in with_logprobs] == ["Hi", "!"]
    first = with_logprobs[0].logprobs[0]  # type: ignore[index]
    assert (first.token, first.logprob) == ("Hi", -0.25)
    assert [(t.token, t.logprob) for t in first.top_logprobs or ()] == [
        ("Hi", -0.25),
        ("Hey", -2.5),
    ]


def test_a_whole_answer_gathers_every_tokens_logprob(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = SCRIPT
    body = {"model": MODEL, "messages": HELLO, "stream": False, "logprobs": True}
    answer = httpx.post(shim + "/api/chat", json=body).json()
    assert answer["message"]["content"] == "Hi!"
    assert answer["logprobs"] == [
        {**HI, "top_logprobs": [HI, HEY]},
        {"token": "!", "logprob": -0.5},
    ]
    assert list(answer).index("logprobs") == list(answer).index("done_reason") + 1


@pytest.mark.parametrize("asked", [True, False])
def test_without_backend_logprobs_the_field_is_absent(
    lmstudio: LMStudioDouble, shim: str, asked: bool
) -> None:
    body = {"model": MODEL, "messages": HELLO, "stream": False, "logprobs": asked}
    answer = httpx.post(shim + "/api/chat", json=body).json()
    assert answer["message"]["content"] == "Hello!"
    assert "logprobs" not in answer
    assert ("logprobs" in lmstudio.chat_requests[-1]) is asked


def test_out_of_range_top_logprobs_is_refused_before_anything_is_sent(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    with pytest.raises(ollama.ResponseError) as raised:
        ollama.Client(host=shim).generate(model=MODEL, prompt="hi", top_logprobs=21)
    assert (raised.value.status_code, raised.value.error) == (
        400,
        "top_logprobs must be between 0 and 20",
    )
    assert not lmstudio.chat_requests
