"""Random JSON into every request decoder and codec: a result or a refusal, nothing else."""

from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shim.api.anthropic.request_codec import messages_request_to_domain
from shim.api.anthropic.request_wire import MessagesIn
from shim.api.decoding import decode_body
from shim.api.ollama.embedding import EmbedIn, inputs_of
from shim.api.ollama.inference_wire import ChatIn, GenerateIn
from shim.api.ollama.management import CreateIn, defaults_of
from shim.api.ollama.request_codec import chat_to_domain, generate_to_domain
from shim.api.ollama.wire import ShowRequest
from shim.api.openai import request_codec as openai_codec
from shim.api.openai.embeddings import EmbeddingsIn, texts_of
from shim.api.openai.request_wire import ChatCompletionIn, CompletionIn
from shim.domain.errors import InvalidRequest, NotFound, Unsupported

REFUSALS = (InvalidRequest, NotFound, Unsupported)

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
ROLES = st.sampled_from(["user", "system", "assistant", "tool", "USER", "bogus", "developer", ""])
IMAGE_URLS = st.sampled_from(
    ["data:image/png;base64,iVBORw0KGgo=", "data:;base64,AAAA", "https://x/y.png", "data:x"]
)
PARTS = st.lists(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["text", "image_url", "input_audio", "video"])},
        optional={
            "text": json_values,
            "image_url": IMAGE_URLS | st.fixed_dictionaries({"url": IMAGE_URLS}) | json_values,
            "input_audio": st.fixed_dictionaries({"data": st.text(max_size=8)}) | json_values,
        },
    )
    | json_values,
    max_size=3,
)
messages = st.lists(
    st.fixed_dictionaries(
        {"role": ROLES},
        optional={
            "content": PARTS | json_values,
            "images": st.lists(
                st.sampled_from(["iVBORw0KGgo=", "not base64!", "data:image/png;base64,AAAA"])
                | json_values,
                max_size=2,
            ),
            "tool_calls": json_values,
            "tool_name": json_values,
            "tool_call_id": json_values,
        },
    ),
    max_size=4,
)
OPTION_NAMES = st.sampled_from(
    ["temperature", "top_k", "num_predict", "stop", "seed", "num_ctx", "mirostat", "min_p"]
)
requests = st.fixed_dictionaries(
    {"model": st.sampled_from(["m", ""]) | json_values},
    optional={
        "messages": messages | json_values,
        "prompt": st.text(max_size=10) | json_values,
        "system": json_values,
        "raw": json_values,
        "suffix": json_values,
        "format": st.sampled_from(["json", "", "xml"]) | json_values,
        "options": st.dictionaries(OPTION_NAMES, json_values, max_size=4) | json_values,
        "think": st.sampled_from([True, False, "low", "max", "huge"]) | json_values,
        "keep_alive": st.sampled_from(["5m", "1h30m", "-1", "300", "x"]) | json_values,
        "tools": json_values,
        "input": json_values,
        "parameters": st.dictionaries(OPTION_NAMES, json_values, max_size=3) | json_values,
        "stream": json_values,
        "stop": json_values,
        "response_format": st.fixed_dictionaries(
            {"type": st.sampled_from(["json_object", "json_schema", "text"]) | json_values},
            optional={"json_schema": st.fixed_dictionaries({"schema": json_values})},
        )
        | json_values,
        "reasoning_effort": st.sampled_from(["none", "low", "ultra", "huge"]) | json_values,
        "reasoning": json_values,
        "top_logprobs": json_values,
    },
)

BLOCK_TYPES = (
    "text",
    "image",
    "tool_use",
    "tool_result",
    "thinking",
    "server_tool_use",
    "web_search_tool_result",
    "document",
)
BLOCKS = st.lists(
    st.fixed_dictionaries(
        {"type": st.sampled_from(BLOCK_TYPES)},
        optional={
            "text": json_values,
            "source": st.fixed_dictionaries(
                {"type": st.sampled_from(["base64", "url"]), "data": IMAGE_URLS | json_values}
            )
            | json_values,
            "id": json_values,
            "name": json_values,
            "input": json_values,
            "tool_use_id": json_values,
            "content": json_values,
            "thinking": json_values,
            "cache_control": json_values,
        },
    ),
    max_size=3,
)
anthropic_requests = st.fixed_dictionaries(
    {"model": st.sampled_from(["m", ""]), "max_tokens": st.integers(-1, 9) | json_values},
    optional={
        "messages": st.lists(
            st.fixed_dictionaries({"role": ROLES, "content": BLOCKS | json_values}), max_size=3
        )
        | json_values,
        "system": BLOCKS | json_values,
        "tools": st.lists(
            st.fixed_dictionaries(
                {"name": json_values},
                optional={"type": json_values, "input_schema": json_values},
            ),
            max_size=2,
        )
        | json_values,
        "thinking": st.fixed_dictionaries({"type": json_values}) | json_values,
        "output_config": st.fixed_dictionaries({"effort": json_values}) | json_values,
        "stop_sequences": json_values,
        "top_k": json_values,
    },
)

Decoder = Callable[[Any], Any]
CASES: list[tuple[type, Decoder]] = [
    (ChatIn, chat_to_domain),
    (GenerateIn, generate_to_domain),
    (ShowRequest, lambda asked: asked),
    (EmbedIn, lambda asked: inputs_of(asked.input)),
    (CreateIn, defaults_of),
    (EmbeddingsIn, lambda asked: texts_of(asked.input)),
    (ChatCompletionIn, openai_codec.chat_to_domain),
    (CompletionIn, openai_codec.completion_to_domain),
    (MessagesIn, messages_request_to_domain),
]


@pytest.mark.parametrize(("wire", "codec"), CASES, ids=[case[0].__name__ for case in CASES])
@settings(max_examples=150, deadline=None)
@given(body=requests | json_values)
def test_random_bodies_decode_or_fail_cleanly(wire: type, codec: Decoder, body: Any) -> None:
    try:
        codec(decode_body(msgspec.json.encode(body), wire))
    except REFUSALS as refused:
        outcome = refused.message
    else:
        outcome = "accepted"
    assert outcome


@settings(max_examples=300, deadline=None)
@given(body=anthropic_requests)
def test_random_anthropic_bodies_decode_or_fail_cleanly(body: Any) -> None:
    try:
        messages_request_to_domain(decode_body(msgspec.json.encode(body), MessagesIn))
    except REFUSALS as refused:
        outcome = refused.message
    else:
        outcome = "accepted"
    assert outcome


@pytest.mark.parametrize(("wire", "codec"), CASES, ids=[case[0].__name__ for case in CASES])
@settings(max_examples=150, deadline=None)
@given(body=requests, cut=st.integers(min_value=0), junk=st.binary(min_size=1, max_size=4))
def test_bytes_spliced_into_bodies_fail_cleanly(
    wire: type, codec: Decoder, body: Any, cut: int, junk: bytes
) -> None:
    """Not UTF-8, or not JSON at all: still an answer or InvalidRequest."""
    encoded = msgspec.json.encode(body)
    at = cut % (len(encoded) + 1)
    try:
        codec(decode_body(encoded[:at] + junk + encoded[at:], wire))
    except REFUSALS as refused:
        outcome = refused.message
    else:
        outcome = "accepted"
    assert outcome
