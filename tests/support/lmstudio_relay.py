"""The double's OpenAI Responses and Anthropic Messages routes, which pass-through clients use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.support import lmstudio_inference as inference
from tests.support.sse_scripts import messages_script, responses_script, script_payloads

if TYPE_CHECKING:
    from tests.support.lmstudio_double import LMStudioDouble

Reply = tuple[int, Any]


async def responses(double: LMStudioDouble, body: bytes) -> Reply:
    request = _record(double, "/v1/responses", body)
    if request is None:
        return 400, {"error": "request body is not valid JSON"}
    script = responses_script(model=str(request.get("model")))
    return await inference._infer(double, request, script, assemble_response)


async def messages(double: LMStudioDouble, body: bytes) -> Reply:
    request = _record(double, "/v1/messages", body)
    if request is None:
        return 400, {"error": "request body is not valid JSON"}
    script = messages_script(model=str(request.get("model")))
    return await inference._infer(double, request, script, assemble_message)


def assemble_response(script: list[bytes]) -> dict[str, Any]:
    """The non-streaming reply is the response the stream's `response.completed` carries."""
    completed = [p for p in script_payloads(script) if p.get("type") == "response.completed"]
    return dict(completed[-1]["response"])


def assemble_message(script: list[bytes]) -> dict[str, Any]:
    """The Anthropic message a /v1/messages stream adds up to."""
    events = script_payloads(script)
    start = next(event["message"] for event in events if event["type"] == "message_start")
    texts = [
        event["delta"]["text"]
        for event in events
        if event["type"] == "content_block_delta" and event["delta"]["type"] == "text_delta"
    ]
    ending = next(event for event in events if event["type"] == "message_delta")
    message = {**start, "content": [{"type": "text", "text": "".join(texts)}], **ending["delta"]}
    return message | {"usage": {**start["usage"], **ending["usage"]}}


def _record(double: LMStudioDouble, path: str, body: bytes) -> dict[str, Any] | None:
    request = inference._decode(body)
    if request is not None:
        double.relay_requests.append((path, request))
    return request
