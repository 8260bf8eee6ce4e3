"""Scripted completions: a fixed demo answer, or whatever events a test hands it.

Given a catalog, it also runs on the named model as LM Studio does: it refuses a name no model
answers to and an embedding model, and loads the model on first use.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.domain.completion import (
    CompletionEvent,
    CompletionRequest,
    Delta,
    Finish,
    ToolCall,
    Usage,
)
from shim.domain.errors import UpstreamRejected
from shim.domain.ports import CompletionStreamer

DEMO_ANSWER = ("Hello", "!", " I am", " a fake", " model", ".")


class FakeCompletionStreamer(CompletionStreamer):
    def __init__(
        self,
        script: Sequence[CompletionEvent] | None = None,
        catalog: FakeModelCatalog | None = None,
    ) -> None:
        self.script = script
        self.requests: list[CompletionRequest] = []
        self._catalog = catalog

    async def stream(self, request: CompletionRequest) -> AsyncGenerator[CompletionEvent, None]:
        self.requests.append(request)
        if self._catalog is not None:
            record = self._catalog.answering(request.model)
            if record.kind == "embedding":
                message = f'Failed to load model "{request.model}". Error: Model is not a LLM.'
                raise UpstreamRejected(message, 404)
            self._catalog.load_on_use(record)
        for event in self.script if self.script is not None else demo_script(request):
            yield event


def demo_script(request: CompletionRequest) -> list[CompletionEvent]:
    """Calls the first tool when tools are offered; otherwise thinks briefly, then greets."""
    if request.tools:
        call = ToolCall(id="call_fake0001", name=request.tools[0].name, arguments={})
        return [
            Delta(tool_calls=(call,)),
            Finish(reason="stop", usage=Usage(prompt_tokens=9, completion_tokens=5)),
        ]
    events: list[CompletionEvent] = [Delta(thinking="The user said hello.")]
    events.extend(Delta(content=piece) for piece in DEMO_ANSWER)
    events.append(
        Finish(reason="stop", usage=Usage(prompt_tokens=9, completion_tokens=len(DEMO_ANSWER)))
    )
    return events
