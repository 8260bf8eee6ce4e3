"""Log probabilities through /v1 with the official `openai` client: asked for as Ollama's `/v1`
layer asks (`FromChatRequest`, `FromCompleteRequest`), sent to the backend, and returned in
`choices[].logprobs.content` when it has them (llama.cpp's server does; LM Studio sends
`logprobs: null`)."""

from typing import Any

import httpx
import openai
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.log_capture import LogCapture
from tests.support.openai_sdk import client
from tests.support.sse_scripts import DONE, frame

MODEL = "qwen3.6-35b-a3b-mtp"
HELLO: Any = [{"role": "user", "content": "hello"}]
HI = {"token": "Hi", "logprob": -0.25, "bytes": [72, 105]}
HEY = {"token": "Hey", "logprob": -2.5, "bytes": [72, 101, 121]}
BANG = {"token": "!", "logprob": -0.5, "top_logprobs": []}


def chunk(delta: dict[str, Any], logprobs: Any = None, finish: str | None = None) -> bytes:
    choice = {"index": 0, "delta": delta, "logprobs": logprobs, "finish_reason": finish}
    return frame(
        {"id": "c", "object": "chat.completion.chunk", "model": MODEL, "choices": [choice]}
    )


SCRIPT = [
    chunk({"content": "Hi"}, {"content": [{**HI, "top_logprobs": [HI, HEY]}]}),
    chunk({"content": "!"}, {"content": [BANG]}),
    chunk({}, finish="stop"),
    DONE,
]


def pairs(content: Any) -> list[tuple[str, float]]:
    return [(entry.token, entry.logprob) for entry in content]


def test_a_whole_chat_answer_carries_every_tokens_logprob(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = SCRIPT
    reply = client(shim).chat.completions.create(
        model=MODEL, messages=HELLO, logprobs=True, top_logprobs=2
    )
    sent = lmstudio.chat_requests[-1]
    assert (sent["logprobs"], sent["top_logprobs"]) == (True, 2)
    (choice,) = reply.choices
    assert choice.message.content == "Hi!"
    assert choice.logprobs is not None
    assert choice.logprobs.content is not None
    first, second = choice.logprobs.content
    assert (first.token, first.logprob, first.bytes) == ("Hi", -0.25, [72, 105])
    assert pairs(first.top_logprobs) == [("Hi", -0.25), ("Hey", -2.5)]
    # Empty bytes and alternatives are left out, as Go's omitempty leaves them.
    assert second.model_dump(exclude_unset=True) == {"token": "!", "logprob": -0.5}


def test_streamed_chat_logprobs_come_with_their_tokens(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = SCRIPT
    stream = client(shim).chat.completions.create(
        model=MODEL, messages=HELLO, logprobs=True, top_logprobs=2, stream=True
    )
    scored = [c.choices[0] for c in stream if c.choices and c.choices[0].logprobs]
    assert [choice.delta.content for choice in scored] == ["Hi", "!"]
    assert [pairs(choice.logprobs.content) for choice in scored if choice.logprobs] == [
        [("Hi", -0.25)],
        [("!", -0.5)],
    ]


@pytest.mark.parametrize("stream", [False, True])
def test_a_completion_logprobs_number_asks_for_that_many_alternatives(
    lmstudio: LMStudioDouble, shim: str, stream: bool
) -> None:
    lmstudio.chat_script = SCRIPT
    reply = client(shim).completions.create(model=MODEL, prompt="hi", logprobs=2, stream=stream)
    sent = lmstudio.chat_requests[-1]
    assert (sent["logprobs"], sent["top_logprobs"]) == (True, 2)
    choices = [c.choices[0] for c in reply] if stream else reply.choices  # type: ignore[union-attr]
    scored = [(c.text, c.logprobs.model_extra) for c in choices if c.logprobs is not None]
    assert [text for text, _ in scored] == (["Hi", "!"] if stream else ["Hi!"])
    tokens = [entry["token"] for _, extra in scored for entry in (extra or {})["content"]]
    assert tokens == ["Hi", "!"]


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/completions"])
def test_without_backend_logprobs_the_field_is_absent_and_a_debug_line_says_why(
    lmstudio: LMStudioDouble, shim: str, log_capture: LogCapture, path: str
) -> None:
    chat = {"messages": HELLO, "logprobs": True, "top_logprobs": 1}
    body = {"model": MODEL, **(chat if "chat" in path else {"prompt": "hi", "logprobs": 1})}
    headers = {"x-request-id": "no-logprobs-" + path.rsplit("/", 1)[-1]}
    answer = httpx.post(shim + path, json=body, headers=headers).json()
    assert "logprobs" not in answer["choices"][0]
    assert lmstudio.chat_requests[-1]["logprobs"] is True
    logged = [r["event"] for r in log_capture.for_request(headers["x-request-id"])]
    assert "upstream.logprobs_unavailable" in logged
    assert "request.ignored_fields" not in logged


def test_out_of_range_top_logprobs_is_refused_before_anything_is_sent(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client(shim).chat.completions.create(model=MODEL, messages=HELLO, top_logprobs=21)
    assert raised.value.status_code == 400
    assert "top_logprobs must be between 0 and 20" in str(raised.value)
    assert not lmstudio.chat_requests
