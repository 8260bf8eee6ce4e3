"""/v1/chat/completions and /v1/completions requests as domain completion requests, checked in
the order Ollama checks them (middleware/openai.go, then server/routes.go's handlers)."""

from __future__ import annotations

from shim.api.openai.messages import messages_to_domain
from shim.api.openai.request_fields import (
    chat_sampling,
    check_top_logprobs,
    completion_sampling,
    json_output,
    think_setting,
)
from shim.api.openai.request_wire import (
    CHAT_IGNORED,
    COMPLETION_IGNORED,
    ChatCompletionIn,
    CommonIn,
    CompletionIn,
    ToolIn,
)
from shim.domain.completion import ChatMessage, CompletionRequest, Tool
from shim.domain.errors import InvalidRequest, ModelNotFound

Ignored = list[str]


def chat_to_domain(request: ChatCompletionIn) -> tuple[CompletionRequest, Ignored]:
    if not request.messages:
        raise InvalidRequest("[] is too short - 'messages'")
    messages = messages_to_domain(request.messages)
    sampling = chat_sampling(request)
    think, level = think_setting(request)
    check_top_logprobs(request.top_logprobs)
    if not request.model:
        raise InvalidRequest("model is required")
    domain = CompletionRequest(
        model=request.model,
        messages=messages,
        tools=tuple(_tool(tool) for tool in request.tools or ()),
        sampling=sampling,
        json_output=json_output(request.response_format),
        think=think,
        think_level=level,
        logprobs=bool(request.logprobs),
        top_logprobs=request.top_logprobs or 0,
    )
    return domain, _ignored(request, CHAT_IGNORED)


def completion_to_domain(request: CompletionIn) -> tuple[CompletionRequest, Ignored]:
    """The prompt goes through the model's chat template as a user message, as /api/generate
    takes it without `raw`; an empty prompt asks only for a load."""
    sampling = completion_sampling(request)
    # Ollama reads a positive `logprobs` as asking for them with that many alternatives.
    top_logprobs = request.logprobs if request.logprobs and request.logprobs > 0 else 0
    check_top_logprobs(top_logprobs)
    if not request.model:
        raise ModelNotFound("")  # /api/generate answers a missing model with 404
    prompt = request.prompt or ""
    domain = CompletionRequest(
        model=request.model,
        messages=(ChatMessage(role="user", content=prompt),) if prompt else (),
        suffix=request.suffix or "",
        sampling=sampling,
        logprobs=top_logprobs > 0,
        top_logprobs=top_logprobs,
    )
    return domain, _ignored(request, COMPLETION_IGNORED)


def _tool(tool: ToolIn) -> Tool:
    function = tool.function
    if function is None:
        return Tool(name="")
    return Tool(
        name=function.name or "",
        description=function.description or "",
        parameters=function.parameters or {},
    )


def _ignored(request: CommonIn, names: tuple[str, ...]) -> Ignored:
    """The fields sent that neither Ollama nor shim applies; `n: 1` is what both do anyway."""
    sent = [name for name in names if getattr(request, name) is not None]
    return [name for name in sent if not (name == "n" and request.n == 1)]
