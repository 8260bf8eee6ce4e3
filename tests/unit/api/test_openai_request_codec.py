"""/v1/chat/completions and /v1/completions bodies → domain requests, as openai/openai.go
`FromChatRequest`, `FromCompleteRequest` and `thinkFromReasoningEffort` read them, checked in
the order of middleware/openai.go and server/routes.go's handlers."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from shim.api.decoding import decode_body
from shim.api.openai.request_codec import chat_to_domain, completion_to_domain
from shim.api.openai.request_wire import ChatCompletionIn, CompletionIn
from shim.domain.completion import (
    ChatMessage,
    CompletionRequest,
    JsonOutput,
    Sampling,
    ThinkLevel,
    Tool,
)
from shim.domain.errors import InvalidRequest, ModelNotFound

HELLO = [{"role": "user", "content": "hello"}]
OLLAMA_DEFAULTS = Sampling(temperature=1.0, top_p=1.0)
SCHEMA = {"type": "object", "properties": {"a": {"type": "integer"}}}


def chat(**fields: Any) -> tuple[CompletionRequest, list[str]]:
    body = msgspec.json.encode({"model": "m", "messages": HELLO, **fields})
    return chat_to_domain(decode_body(body, ChatCompletionIn))


def completion(**fields: Any) -> tuple[CompletionRequest, list[str]]:
    body = msgspec.json.encode({"model": "m", "prompt": "Once", **fields})
    return completion_to_domain(decode_body(body, CompletionIn))


def chat_refusal(**fields: Any) -> str:
    with pytest.raises(InvalidRequest) as refused:
        chat(**fields)
    return refused.value.message


# --- chat -------------------------------------------------------------------------------------


def test_a_plain_chat_gets_ollamas_forced_sampling_defaults() -> None:
    """Absent temperature and top_p are sent as 1.0, overriding the model's own."""
    assert chat() == (
        CompletionRequest(
            model="m",
            messages=(ChatMessage(role="user", content="hello"),),
            sampling=OLLAMA_DEFAULTS,
        ),
        [],
    )


def test_sampling_fields_map_to_options() -> None:
    wanted, _ = chat(
        temperature=0.2,
        top_p=0.9,
        max_tokens=64,
        seed=7,
        presence_penalty=0.5,
        frequency_penalty=0.25,
        stop="END",
    )
    assert wanted.sampling == Sampling(
        temperature=0.2,
        top_p=0.9,
        max_tokens=64,
        seed=7,
        presence_penalty=0.5,
        frequency_penalty=0.25,
        stop=("END",),
    )


@pytest.mark.parametrize(
    ("stop", "words"),
    [("x", ("x",)), (["a", 1, "b", None], ("a", "b")), (3, ()), (None, ())],
)
def test_chat_stop_words_drop_what_is_not_a_string(stop: Any, words: tuple[str, ...]) -> None:
    assert chat(stop=stop)[0].sampling.stop == words


def test_open_ended_and_random_values_are_left_unset() -> None:
    """num_predict below zero is open-ended, and seed -1 random, as Ollama reads them."""
    sampling = chat(max_tokens=-1, seed=-1)[0].sampling
    assert (sampling.max_tokens, sampling.seed) == (None, None)


@pytest.mark.parametrize("messages", [[], None])
def test_no_messages_is_refused_before_anything_else(messages: Any) -> None:
    assert chat_refusal(messages=messages, model="") == "[] is too short - 'messages'"


def test_a_missing_model_is_required() -> None:
    assert chat_refusal(model="") == "model is required"
    assert chat_refusal(model=None) == "model is required"


@pytest.mark.parametrize(
    ("field", "value", "think"),
    [
        ("reasoning_effort", "none", (False, None)),
        ("reasoning_effort", "minimal", (True, "low")),
        ("reasoning_effort", "low", (True, "low")),
        ("reasoning_effort", "medium", (True, "medium")),
        ("reasoning_effort", "high", (True, "high")),
        ("reasoning_effort", "max", (True, "high")),
        ("reasoning_effort", "xhigh", (True, "high")),
        ("reasoning", {"effort": "ultra"}, (True, "high")),
        ("reasoning", {"effort": "none"}, (False, None)),
        ("reasoning_effort", "", (None, None)),
    ],
)
def test_reasoning_efforts_become_think_levels(
    field: str, value: Any, think: tuple[bool | None, ThinkLevel | None]
) -> None:
    wanted, _ = chat(**{field: value})
    assert (wanted.think, wanted.think_level) == think


def test_the_reasoning_object_wins_even_without_an_effort() -> None:
    wanted, _ = chat(reasoning={}, reasoning_effort="high")
    assert (wanted.think, wanted.think_level) == (None, None)


def test_an_unknown_effort_is_refused_in_ollamas_words() -> None:
    assert chat_refusal(reasoning_effort="extreme") == (
        'invalid reasoning value: "extreme" (must be "minimal", "low", "medium", "high", '
        '"xhigh", "ultra", "max", or "none")'
    )


@pytest.mark.parametrize(
    ("response_format", "output"),
    [
        ({"type": "json_object"}, JsonOutput()),
        ({"type": " JSON_Object "}, JsonOutput()),
        (
            {"type": "json_schema", "json_schema": {"name": "a", "schema": SCHEMA}},
            JsonOutput(SCHEMA),
        ),
        ({"type": "json_schema", "json_schema": {"name": "a"}}, None),
        ({"type": "json_schema"}, None),
        ({"type": "text"}, None),
    ],
)
def test_response_formats_become_json_output(response_format: Any, output: Any) -> None:
    assert chat(response_format=response_format)[0].json_output == output


def test_tools_are_domain_tools() -> None:
    tool = {"type": "function", "function": {"name": "f", "description": "d", "parameters": SCHEMA}}
    assert chat(tools=[tool])[0].tools == (Tool(name="f", description="d", parameters=SCHEMA),)


@pytest.mark.parametrize("top_logprobs", [-1, 21])
def test_top_logprobs_out_of_range_are_refused(top_logprobs: int) -> None:
    assert chat_refusal(top_logprobs=top_logprobs) == "top_logprobs must be between 0 and 20"


def test_fields_ollama_does_not_apply_are_named() -> None:
    _, ignored = chat(
        n=2, tool_choice="none", max_completion_tokens=8, parallel_tool_calls=False, user="u"
    )
    assert ignored == ["n", "user", "tool_choice", "parallel_tool_calls", "max_completion_tokens"]
    assert chat(n=1)[1] == [], "one choice is what shim gives anyway"


@pytest.mark.parametrize(
    ("fields", "asked"),
    [
        ({"logprobs": True, "top_logprobs": 2}, (True, 2)),
        ({"logprobs": True}, (True, 0)),
        ({"logprobs": False}, (False, 0)),
        ({}, (False, 0)),
    ],
)
def test_chat_logprobs_reach_the_domain_as_from_chat_request_reads_them(
    fields: dict[str, Any], asked: tuple[bool, int]
) -> None:
    wanted, ignored = chat(**fields)
    assert (wanted.logprobs, wanted.top_logprobs) == asked
    assert ignored == []


@pytest.mark.parametrize(
    ("logprobs", "asked"), [(3, (True, 3)), (20, (True, 20)), (0, (False, 0)), (-1, (False, 0))]
)
def test_a_completion_logprobs_number_is_read_as_top_logprobs(
    logprobs: int, asked: tuple[bool, int]
) -> None:
    """FromCompleteRequest: a positive number asks for log probabilities with that many
    alternatives; zero or less asks for none."""
    wanted, _ = completion(logprobs=logprobs)
    assert (wanted.logprobs, wanted.top_logprobs) == asked


@pytest.mark.parametrize(
    "body",
    [
        b'{"model":"m","messages":[],"max_tokens":1.5}',
        b'{"model":"m","messages":[],"stream":"yes"}',
        b'{"model":"m","messages":[{"role":"assistant","tool_calls":[{"function":{"arguments":{}}}]}]}',
    ],
)
def test_wrongly_typed_fields_are_refused_by_the_decoder(body: bytes) -> None:
    with pytest.raises(InvalidRequest, match="invalid request"):
        decode_body(body, ChatCompletionIn)


# --- completions ------------------------------------------------------------------------------


def test_a_prompt_is_a_user_message_with_ollamas_completion_defaults() -> None:
    assert completion() == (
        CompletionRequest(
            model="m",
            messages=(ChatMessage(role="user", content="Once"),),
            sampling=Sampling(
                temperature=1.0, top_p=1.0, presence_penalty=0.0, frequency_penalty=0.0
            ),
        ),
        [],
    )


def test_a_top_p_of_zero_is_one() -> None:
    assert completion(top_p=0)[0].sampling.top_p == 1.0
    assert completion(top_p=0.5)[0].sampling.top_p == 0.5


def test_completion_stop_words_must_all_be_strings() -> None:
    assert completion(stop=["a", "b"])[0].sampling.stop == ("a", "b")
    with pytest.raises(InvalidRequest, match=r"^invalid type for 'stop' field: float64$"):
        completion(stop=["a", 1])


def test_an_empty_prompt_asks_only_for_a_load() -> None:
    assert completion(prompt="")[0].messages == ()


def test_the_suffix_is_carried_for_the_domain_to_refuse() -> None:
    assert completion(suffix="end")[0].suffix == "end"


def test_a_missing_model_is_not_found_as_generate_answers_it() -> None:
    with pytest.raises(ModelNotFound, match=r"^model '' not found$"):
        completion(model="")


def test_an_int_logprobs_counts_as_top_logprobs() -> None:
    with pytest.raises(InvalidRequest, match="top_logprobs must be between 0 and 20"):
        completion(logprobs=21)


def test_completion_fields_ollama_does_not_apply_are_named() -> None:
    assert completion(echo=True, best_of=2, n=3)[1] == ["n", "echo", "best_of"]
