"""The items and counts streamed /v1/responses events carry, as the Go maps Ollama's converter
builds them (responses.go `finishReasoning`, `emitFunctionCallEvents`, `processTextContent`,
`processCompletion`, and middleware/openai.go `writeWebSearchError` for a failure)."""

from __future__ import annotations

from typing import Any

from shim.api.responses.whole_answer import arguments_text
from shim.domain.completion import Completed, ToolCall

EMPTY_USAGE = {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}


def output_text(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


def message_item(item_id: str, text: str, status: str) -> dict[str, Any]:
    """In progress, a message has no content yet; done, its one text part."""
    content = [output_text(text)] if status == "completed" else []
    return {
        "id": item_id,
        "type": "message",
        "status": status,
        "role": "assistant",
        "content": content,
    }


def reasoning_item(item_id: str, thinking: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "type": "reasoning",
        "summary": [{"type": "summary_text", "text": thinking}],
        "encrypted_content": thinking,  # plain text, as Ollama sends it
    }


def call_item(item_id: str, call: ToolCall) -> dict[str, Any]:
    return {
        "id": item_id,
        "type": "function_call",
        "status": "completed",
        "call_id": call.id,
        "name": call.name,
        "arguments": arguments_text(call),
    }


def usage_map(completed: Completed) -> dict[str, Any]:
    prompt = completed.prompt_tokens or 0
    answered = completed.completion_tokens or 0
    return {
        "input_tokens": prompt,
        "output_tokens": answered,
        "total_tokens": prompt + answered,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens_details": {"reasoning_tokens": 0},
    }


def failed_response(response_id: str, model: str, message: str) -> dict[str, Any]:
    return {
        "id": response_id,
        "object": "response",
        "status": "failed",
        "model": model,
        "output": [],
        "error": {"code": "api_error", "message": message},
        "usage": EMPTY_USAGE,
    }
