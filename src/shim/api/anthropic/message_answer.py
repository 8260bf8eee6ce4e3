"""A whole domain answer as a /v1/messages message object, as Ollama's Anthropic layer makes it
from its own chat answer (anthropic.go `ToMessagesResponse`, `mapStopReason`)."""

from __future__ import annotations

from shim.api.anthropic.answer_wire import (
    UNSET,
    Block,
    MessageOut,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    UsageOut,
)
from shim.domain.completion import Answer, Completed

STOP_REASONS = {"stop": "end_turn", "length": "max_tokens"}


def stop_reason(reason: str | None, called: bool) -> str:
    """Tool calls win; a reason Ollama does not know counts as a stop sequence; none is empty."""
    if called:
        return "tool_use"
    if not reason:
        return ""
    return STOP_REASONS.get(reason, "stop_sequence")


def usage_out(completed: Completed) -> UsageOut:
    return UsageOut(completed.prompt_tokens or 0, completed.completion_tokens or 0)


def message_from_domain(model: str, message_id: str, answer: Answer) -> MessageOut:
    """Thinking, then text, then one block per tool call; the empty ones are left out."""
    content: list[Block] = []
    if answer.thinking:
        content.append(ThinkingBlock(type="thinking", thinking=answer.thinking))
    if answer.content:
        content.append(TextBlock(type="text", text=answer.content))
    content += [
        ToolUseBlock(type="tool_use", id=call.id, name=call.name, input=call.arguments)
        for call in answer.tool_calls
    ]
    reason = stop_reason(answer.completed.reason, bool(answer.tool_calls))
    return MessageOut(
        id=message_id,
        type="message",
        role="assistant",
        model=model,
        content=content or None,
        stop_reason=reason or UNSET,
        usage=usage_out(answer.completed),
    )
