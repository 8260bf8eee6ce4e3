"""A whole answer as /v1/responses' response object, as Ollama makes it from its chat answer
(responses.go `ToResponse`; middleware/openai.go `ResponsesWriter.writeResponse`).

The thinking, if any, is a reasoning item first; then the function calls, or, with none, one
message of the text. The status is `completed` even when the answer was cut off by its limit.
"""

from __future__ import annotations

from shim.api.go_json import go_json
from shim.api.responses.answer_wire import (
    OutputItem,
    OutputText,
    ResponseOut,
    SummaryText,
    UsageOut,
)
from shim.api.responses.echo import Echo
from shim.domain.completion import Answer, Completed, ToolCall


def response_object(
    echo: Echo, response_id: str, item_id: str, answer: Answer, now: int
) -> ResponseOut:
    return ResponseOut(
        id=response_id,
        created_at=now,
        completed_at=now,
        model=echo.model,
        instructions=echo.instructions,
        output=_output(response_id, item_id, answer),
        tools=echo.tool_structs(),
        truncation=echo.truncation,
        text=echo.text_struct(),
        top_p=echo.top_p,
        temperature=echo.temperature,
        reasoning=echo.reasoning_struct(),
        usage=usage_out(answer.completed),
        max_output_tokens=echo.max_output_tokens,
        background=echo.background,
    )


def _output(response_id: str, item_id: str, answer: Answer) -> list[OutputItem]:
    output: list[OutputItem] = []
    if answer.thinking:
        summary = [SummaryText(type="summary_text", text=answer.thinking)]
        output.append(
            OutputItem(
                id=f"rs_{response_id}",
                type="reasoning",
                summary=summary,
                encrypted_content=answer.thinking,  # plain text, as Ollama sends it
            )
        )
    if answer.tool_calls:
        output.extend(
            _call_item(f"fc_{response_id}_{position}", call)
            for position, call in enumerate(answer.tool_calls)
        )
        return output
    text = OutputText(type="output_text", text=answer.content, annotations=[], logprobs=[])
    output.append(
        OutputItem(id=item_id, type="message", status="completed", role="assistant", content=[text])
    )
    return output


def _call_item(item_id: str, call: ToolCall) -> OutputItem:
    return OutputItem(
        id=item_id,
        type="function_call",
        status="completed",
        call_id=call.id,
        name=call.name,
        arguments=arguments_text(call),
    )


def arguments_text(call: ToolCall) -> str:
    """As Go's json.Marshal writes the object: compact, keys in order, HTML-safe."""
    return go_json(call.arguments).decode()


def usage_out(completed: Completed) -> UsageOut:
    prompt = completed.prompt_tokens or 0
    output = completed.completion_tokens or 0
    return UsageOut(input_tokens=prompt, output_tokens=output, total_tokens=prompt + output)
