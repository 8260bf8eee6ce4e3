"""What a completion request asks for and what a completion stream carries, backend-neutral."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

Role = Literal["system", "user", "assistant", "tool"]
FinishReason = Literal["stop", "length"]


class Image(msgspec.Struct, frozen=True):
    mime_type: str
    base64: str


class ToolCall(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    arguments: dict[str, Any]
    index: int = 0


class ChatMessage(msgspec.Struct, frozen=True, kw_only=True):
    role: Role
    content: str = ""
    thinking: str = ""
    images: tuple[Image, ...] = ()
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    tool_name: str | None = None


class Tool(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    description: str = ""
    parameters: dict[str, Any] = msgspec.field(default_factory=dict)


class Sampling(msgspec.Struct, frozen=True, kw_only=True):
    """Sampler settings; None leaves the backend's default in force."""

    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    repeat_penalty: float | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None


class JsonOutput(msgspec.Struct, frozen=True):
    """Constrain the answer to JSON; to this schema when one is given."""

    schema: dict[str, Any] | None = None


ThinkLevel = Literal["low", "medium", "high"]


class TokenLogprob(msgspec.Struct, frozen=True, kw_only=True):
    token: str
    logprob: float
    bytes: tuple[int, ...] = ()


class Logprob(msgspec.Struct, frozen=True, kw_only=True):
    """A generated token's log probability, with the likeliest alternatives when asked for."""

    token: str
    logprob: float
    bytes: tuple[int, ...] = ()
    top_logprobs: tuple[TokenLogprob, ...] = ()


class CompletionRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A chat (messages) or, with `raw_prompt`, a text completion with no chat template."""

    model: str
    messages: tuple[ChatMessage, ...] = ()
    raw_prompt: str | None = None
    suffix: str = ""
    tools: tuple[Tool, ...] = ()
    sampling: Sampling = Sampling()
    json_output: JsonOutput | None = None
    think: bool | None = None
    think_level: ThinkLevel | None = None
    keep_alive_seconds: float | None = None
    context_length: int | None = None
    logprobs: bool = False
    top_logprobs: int = 0
    relax_thinking: bool = False
    """Thinking a model cannot do is dropped rather than refused, as Ollama's Anthropic layer
    asks of its chat handler so that Claude Code runs on any model."""


class Delta(msgspec.Struct, frozen=True, kw_only=True):
    """A piece of the answer as it arrives."""

    content: str = ""
    thinking: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    logprobs: tuple[Logprob, ...] = ()


class TextRun(msgspec.Struct, frozen=True):
    """Plain answer text that arrived together, one piece per backend chunk.

    Nearly every chunk of an answer is plain text; carried as a run, it costs no per-piece work
    on its way through, yet each piece still reaches the client as its own line.
    """

    pieces: list[str]


class Usage(msgspec.Struct, frozen=True, kw_only=True):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class Finish(msgspec.Struct, frozen=True, kw_only=True):
    """The end of a stream, as the backend reported it."""

    reason: FinishReason | None = None
    usage: Usage = Usage()


CompletionEvent = Delta | TextRun | Finish

DoneReason = Literal["stop", "length", "load", "unload"]


class Completed(msgspec.Struct, frozen=True, kw_only=True):
    """How a request ended, with counts from the backend and durations measured by shim."""

    reason: DoneReason | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_ns: int = 0
    load_ns: int = 0
    prompt_eval_ns: int = 0
    eval_ns: int = 0


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """A whole answer, for clients that did not ask for a stream."""

    content: str
    thinking: str
    tool_calls: tuple[ToolCall, ...]
    completed: Completed
    logprobs: tuple[Logprob, ...] = ()


AnswerEvent = Delta | TextRun | Completed
