"""Domain answer events as /v1/completions answers, as Ollama's `/v1` layer makes them from its
generate answers (openai.go `ToCompletion`, `ToCompleteChunk`, `ToUsageGenerate`;
middleware/openai.go `CompleteWriter`).

Unlike chat's, each chunk is stamped with the time it is written, every piece of the answer is a
chunk (thinking, which these answers leave out, as an empty text), and the finish reason rides
on a last chunk of empty text rather than on a chunk of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from shim.api.go_json import encode_json, go_escaped, go_json
from shim.api.openai.answer_wire import TextChoice, TextChunk, TextCompletion, UsageOut
from shim.api.openai.chat_answer import DONE, EVENT_END, choice_logprobs, usage_out
from shim.domain.completion import Answer, AnswerEvent, Completed, Delta, TextRun

NO_USAGE = UsageOut(prompt_tokens=0, completion_tokens=0, total_tokens=0)


def text_completion(model: str, answer_id: str, created: int, answer: Answer) -> TextCompletion:
    choice = TextChoice(
        text=answer.content,
        index=0,
        finish_reason=answer.completed.reason,
        logprobs=choice_logprobs(answer.logprobs),
    )
    return TextCompletion(
        id=answer_id,
        created=created,
        model=model,
        choices=[choice],
        usage=usage_out(answer.completed),
    )


class TextStream:
    """One streamed answer's SSE events; with usage asked for, every chunk carries zeros until
    a last chunk of its own carries the counts."""

    def __init__(
        self,
        model: str,
        answer_id: str,
        include_usage: bool,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._model = model
        self._id = answer_id
        self._include_usage = include_usage
        self._clock = clock
        self._tail = (
            b',"index":0,"finish_reason":null}],"model":'
            + go_json(model)
            + b',"system_fingerprint":"fp_ollama"'
            + (b',"usage":' + encode_json(NO_USAGE) if include_usage else b"")
            + b"}"
            + EVENT_END
        )

    def events(self, batch: list[AnswerEvent]) -> bytes:
        """The events of one batch, written together under one time."""
        created = int(self._clock())
        head = b'data: {"id":' + go_json(self._id) + b',"object":"text_completion","created":'
        head += str(created).encode() + b',"choices":[{"text":'
        parts: list[bytes] = []
        for event in batch:
            if isinstance(event, Completed):
                parts.append(self._ending(event, created))
                continue
            if isinstance(event, Delta) and event.logprobs:
                parts.append(self._scored(event, created))
                continue
            pieces = event.pieces if isinstance(event, TextRun) else [event.content]
            parts.extend(head + encode_json(piece) + self._tail for piece in pieces)
        return go_escaped(b"".join(parts))

    def _scored(self, delta: Delta, created: int) -> bytes:
        """A piece with its log probabilities, in Ollama's `CompleteChunkChoice.logprobs`."""
        logprobs = choice_logprobs(delta.logprobs)
        choice = TextChoice(text=delta.content, index=0, finish_reason=None, logprobs=logprobs)
        return self._event(created, [choice], NO_USAGE if self._include_usage else None)

    def _ending(self, completed: Completed, created: int) -> bytes:
        usage = NO_USAGE if self._include_usage else None
        choice = TextChoice(text="", index=0, finish_reason=completed.reason)
        parts = [self._event(created, [choice], usage)]
        if self._include_usage:
            parts.append(self._event(created, [], usage_out(completed)))
        parts.append(DONE)
        return b"".join(parts)

    def _event(self, created: int, choices: list[TextChoice], usage: UsageOut | None) -> bytes:
        chunk = TextChunk(id=self._id, created=created, choices=choices, model=self._model)
        if usage is not None:
            chunk.usage = usage
        return b"data: " + encode_json(chunk) + EVENT_END
