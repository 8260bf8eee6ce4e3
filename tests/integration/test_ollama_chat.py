"""The official `ollama` client chats through shim, and LM Studio receives the right request."""

import base64

import httpx
import ollama
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script

MODEL = "qwen3.6-35b-a3b-mtp"
HELLO = [{"role": "user", "content": "hello"}]
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()


def test_streamed_chat_arrives_piece_by_piece_then_done(
    lmstudio: LMStudioDouble, shim: str
) -> None:
    lmstudio.chat_script = content_script(["Hel", "lo", " there"], usage=(21, 3))
    chunks = list(ollama.Client(host=shim).chat(model=MODEL, messages=HELLO, stream=True))
    assert [c.message.content for c in chunks] == ["Hel", "lo", " there", ""]
    assert [c.done for c in chunks] == [False, False, False, True]
    final = chunks[-1]
    assert final.done_reason == "stop"
    assert (final.prompt_eval_count, final.eval_count) == (21, 3)
    assert all(
        isinstance(getattr(final, f), int) and getattr(final, f) > 0
        for f in ("total_duration", "load_duration", "prompt_eval_duration", "eval_duration")
    )
    assert final.total_duration >= final.prompt_eval_duration + final.eval_duration  # type: ignore[operator]
    assert all(c.model == MODEL for c in chunks)


def test_whole_answer_when_not_streaming(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["Hel", "lo"], usage=(5, 2))
    response = ollama.Client(host=shim).chat(model=MODEL + ":latest", messages=HELLO)
    assert response.message.role == "assistant"
    assert response.message.content == "Hello"
    assert (response.done, response.done_reason, response.eval_count) == (True, "stop", 2)
    assert response.model == MODEL + ":latest", "the model is echoed as the client wrote it"


@pytest.mark.anyio
async def test_async_client_streams_and_answers(lmstudio: LMStudioDouble, shim: str) -> None:
    client = ollama.AsyncClient(host=shim)
    pieces = [
        c.message.content async for c in await client.chat(model=MODEL, messages=HELLO, stream=True)
    ]
    assert "".join(pieces) == "Hello!"
    assert (await client.chat(model=MODEL, messages=HELLO)).message.content == "Hello!"


def test_length_limit_is_reported(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = content_script(["cut"], finish="length")
    assert ollama.Client(host=shim).chat(model=MODEL, messages=HELLO).done_reason == "length"


def test_options_format_and_keep_alive_reach_lm_studio(lmstudio: LMStudioDouble, shim: str) -> None:
    ollama.Client(host=shim).chat(
        model=MODEL,
        messages=[{"role": "system", "content": "be brief"}, *HELLO],
        options={
            "temperature": 0.2,
            "top_p": 0.9,
            "top_k": 20,
            "min_p": 0.05,
            "num_predict": 64,
            "stop": ["\n\n"],
            "seed": 7,
            "repeat_penalty": 1.1,
            "presence_penalty": 0.5,
            "frequency_penalty": 0.25,
            "mirostat": 2,
            "num_ctx": 8192,
        },
        format="json",
        keep_alive="10m",
    )
    sent = lmstudio.chat_requests[-1]
    assert sent["model"] == MODEL
    assert sent["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hello"},
    ]
    assert (sent["stream"], sent["stream_options"]) == (True, {"include_usage": True})
    assert (sent["temperature"], sent["top_p"], sent["top_k"], sent["min_p"]) == (
        0.2,
        0.9,
        20,
        0.05,
    )
    assert (sent["max_tokens"], sent["stop"], sent["seed"]) == (64, ["\n\n"], 7)
    assert (sent["repeat_penalty"], sent["presence_penalty"], sent["frequency_penalty"]) == (
        1.1,
        0.5,
        0.25,
    )
    assert "mirostat" not in sent
    assert sent["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "json", "strict": True, "schema": {"type": "object"}},
    }
    assert sent["ttl"] == 600


def test_ignored_options_are_logged(lmstudio: LMStudioDouble, shim: str, log_capture) -> None:
    ollama.Client(host=shim).chat(
        model=MODEL, messages=HELLO, options={"mirostat": 2, "tfs_z": 1.0}
    )
    logged = [r for r in log_capture.records if r["event"] == "request.ignored_fields"]
    assert logged[-1]["fields"] == ["options.mirostat", "options.tfs_z"]


def test_json_schema_format_is_sent_strict(lmstudio: LMStudioDouble, shim: str) -> None:
    schema = {
        "title": "Weather report",
        "type": "object",
        "properties": {"temp": {"type": "number"}},
    }
    ollama.Client(host=shim).chat(model=MODEL, messages=HELLO, format=schema)
    assert lmstudio.chat_requests[-1]["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "Weather_report", "strict": True, "schema": schema},
    }


def test_images_become_data_uris_with_sniffed_type(lmstudio: LMStudioDouble, shim: str) -> None:
    messages = [{"role": "user", "content": "what is this?", "images": [PNG]}]
    ollama.Client(host=shim).chat(model="google/gemma-4-12b-qat", messages=messages)
    (sent,) = lmstudio.chat_requests[-1]["messages"]
    assert sent["content"] == [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG}},
    ]


@pytest.mark.parametrize(("think", "effort"), [("low", "low"), ("high", "high"), ("max", "high")])
def test_think_levels_become_reasoning_effort(
    lmstudio: LMStudioDouble, shim: str, think: str, effort: str
) -> None:
    httpx.post(
        shim + "/api/chat",
        json={"model": MODEL, "messages": HELLO, "think": think, "stream": False},
    )
    assert lmstudio.chat_requests[-1]["reasoning_effort"] == effort


def test_streams_are_ndjson_without_blank_lines(lmstudio: LMStudioDouble, shim: str) -> None:
    response = httpx.post(shim + "/api/chat", json={"model": MODEL, "messages": HELLO})
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.content.split(b"\n")
    assert lines[-1] == b""
    assert all(line.startswith(b"{") and line.endswith(b"}") for line in lines[:-1])
    assert b" " not in lines[0].split(b'"created_at"')[0], "compact JSON"


def test_events_split_across_reads_are_reassembled(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.split_frames = True
    lmstudio.chat_script = content_script(["日本", "語 ", "é😀"])
    assert (
        ollama.Client(host=shim).chat(model=MODEL, messages=HELLO).message.content == "日本語 é😀"
    )
