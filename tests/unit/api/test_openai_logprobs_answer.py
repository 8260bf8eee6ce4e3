"""Log probabilities in /v1/chat/completions and /v1/completions answers, byte for byte.

Expectations come from Ollama's openai/openai.go: `ChoiceLogprobs` (`{"content": [...]}` of
`api.Logprob`, empty parts omitted), set by `ToChatCompletion` and `toChunk` only when the answer
has any; `ToStreamChunks` keeps them on the reasoning half of a split chunk; and
middleware/openai_test.go's `TestChatWriter_StreamDoneWithLogprobsNotTreatedAsTrailer` streams a
piece that carries log probabilities even when its text is empty. Completions choices carry the
same `ChoiceLogprobs` (`CompleteChunkChoice.Logprobs`).
"""

from __future__ import annotations

import json
from typing import Any

from shim.api.go_json import go_json
from shim.api.openai.chat_answer import ChatStream, chat_completion
from shim.api.openai.completion_answer import TextStream, text_completion
from shim.domain.completion import Answer, AnswerEvent, Completed, Delta, Logprob, TokenLogprob

MODEL = "qwen3:latest"
DONE = Completed(reason="stop", prompt_tokens=3, completion_tokens=2)
HEY = TokenLogprob(token="Hey", logprob=-2.5, bytes=(72, 101, 121))
HI = Logprob(token="Hi", logprob=-0.25, bytes=(72, 105), top_logprobs=(HEY,))
BANG = Logprob(token="!", logprob=-0.5)
HI_OUT = {
    "token": "Hi",
    "logprob": -0.25,
    "bytes": [72, 105],
    "top_logprobs": [{"token": "Hey", "logprob": -2.5, "bytes": [72, 101, 121]}],
}
BANG_OUT = {"token": "!", "logprob": -0.5}


def chat_choices(*batches: list[AnswerEvent]) -> list[dict[str, Any]]:
    stream = ChatStream(MODEL, "chatcmpl-1", 1, include_usage=False)
    return [chunk["choices"][0] for chunk in _chunks(stream.events(b) for b in batches)]


def text_choices(*batches: list[AnswerEvent], include_usage: bool = False) -> list[Any]:
    stream = TextStream(MODEL, "cmpl-1", include_usage, clock=lambda: 1.0)
    return [chunk["choices"] for chunk in _chunks(stream.events(b) for b in batches)]


def _chunks(bodies: Any) -> list[dict[str, Any]]:
    events = b"".join(bodies).decode().split("\n\n")
    assert events[-2:] == ["data: [DONE]", ""]
    return [json.loads(event.removeprefix("data: ")) for event in events[:-2]]


def answer(content: str, *logprobs: Logprob) -> Answer:
    return Answer(content=content, thinking="", tool_calls=(), completed=DONE, logprobs=logprobs)


def test_a_streamed_chat_piece_carries_its_logprobs_after_the_finish_reason() -> None:
    body = ChatStream(MODEL, "chatcmpl-1", 1, False).events([Delta(content="Hi", logprobs=(HI,))])
    assert b'"finish_reason":null,"logprobs":{"content":[{"token":"Hi","logprob":-0.25,' in body
    assert chat_choices([Delta(content="Hi", logprobs=(HI,)), Delta(content="!"), DONE]) == [
        {
            "index": 0,
            "delta": {"role": "assistant", "content": "Hi"},
            "finish_reason": None,
            "logprobs": {"content": [HI_OUT]},
        },
        {"index": 0, "delta": {"content": "!"}, "finish_reason": None},
        {"index": 0, "delta": {}, "finish_reason": "stop"},
    ]


def test_a_split_chat_piece_keeps_its_logprobs_on_the_reasoning_half() -> None:
    split = chat_choices([Delta(thinking="hm", content="Hi", logprobs=(HI, BANG)), DONE])
    assert split[0]["delta"] == {"role": "assistant", "reasoning": "hm"}
    assert split[0]["logprobs"] == {"content": [HI_OUT, BANG_OUT]}
    assert split[1] == {"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}


def test_a_chat_piece_of_logprobs_alone_is_still_streamed() -> None:
    choices = chat_choices([Delta(content="Hi"), Delta(logprobs=(BANG,)), DONE])
    assert choices[1]["delta"] == {"content": ""}
    assert choices[1]["logprobs"] == {"content": [BANG_OUT]}


def test_a_whole_chat_answer_carries_every_logprob_and_none_when_there_are_none() -> None:
    with_logprobs = go_json(chat_completion(MODEL, "chatcmpl-1", 1, answer("Hi!", HI, BANG)))
    assert b'"finish_reason":"stop","logprobs":{"content":[{"token":"Hi"' in with_logprobs
    assert json.loads(with_logprobs)["choices"][0]["logprobs"] == {"content": [HI_OUT, BANG_OUT]}
    without = go_json(chat_completion(MODEL, "chatcmpl-1", 1, answer("Hi!")))
    assert b"logprobs" not in without


def test_a_streamed_text_piece_carries_its_logprobs_with_usage_zeros_kept() -> None:
    pieces: list[AnswerEvent] = [Delta(content="Hi", logprobs=(HI,)), Delta(content="!"), DONE]
    assert text_choices(pieces, include_usage=True) == [
        [{"text": "Hi", "index": 0, "finish_reason": None, "logprobs": {"content": [HI_OUT]}}],
        [{"text": "!", "index": 0, "finish_reason": None}],
        [{"text": "", "index": 0, "finish_reason": "stop"}],
        [],
    ]


def test_a_scored_text_chunk_is_the_plain_one_with_logprobs_added() -> None:
    """Apart from the logprobs, the chunk is what the plain text template writes."""
    stream = TextStream(MODEL, "cmpl-1", include_usage=True, clock=lambda: 1.0)
    plain = stream.events([Delta(content="Hi")])
    scored = stream.events([Delta(content="Hi", logprobs=(BANG,))])
    logprobs = b',"logprobs":{"content":[{"token":"!","logprob":-0.5}]}'
    assert scored == plain.replace(b'"finish_reason":null', b'"finish_reason":null' + logprobs)


def test_a_whole_text_answer_carries_every_logprob_and_none_when_there_are_none() -> None:
    with_logprobs = go_json(text_completion(MODEL, "cmpl-1", 1, answer("Hi!", HI, BANG)))
    choice = json.loads(with_logprobs)["choices"][0]
    assert choice == {
        "text": "Hi!",
        "index": 0,
        "finish_reason": "stop",
        "logprobs": {"content": [HI_OUT, BANG_OUT]},
    }
    assert b"logprobs" not in go_json(text_completion(MODEL, "cmpl-1", 1, answer("Hi!")))
