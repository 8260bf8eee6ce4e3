"""The answer as the client sees it: inline `<think>` tags moved out of the text (or dropped)."""

from __future__ import annotations

from collections.abc import Callable

from shim.domain.completion import AnswerEvent, Delta, TextRun
from shim.domain.think_tags import ThinkTagSplitter


class Shaping:
    """The answer as the client sees it: inline thinking moved out (or dropped), pieces counted."""

    def __init__(self, think: bool | None, clock: Callable[[], int]) -> None:
        self._splitter = ThinkTagSplitter()
        self._think = think
        self._clock = clock
        self.first_token: int | None = None
        self.pieces = 0

    def add(self, event: Delta | TextRun, shaped: list[AnswerEvent]) -> None:
        if isinstance(event, TextRun):
            if self._splitter.passes("".join(event.pieces)):
                self._take(event, len(event.pieces), shaped)  # the common case: nothing to move
            else:
                for piece in event.pieces:
                    self.add(Delta(content=piece), shaped)
            return
        plain = bool(event.content) and self._splitter.passes(event.content)
        if plain and (self._think is not False or not event.thinking):
            delta: Delta | None = event
        else:
            delta = _split(self._splitter.feed(event.content), event, self._think)
        if delta is not None:
            self._take(delta, 1, shaped)

    def flush(self, shaped: list[AnswerEvent]) -> None:
        """What a partial tag held back at the end turned out to be."""
        tail = _split(self._splitter.flush(), Delta(), self._think)
        if tail is not None:
            shaped.append(tail)

    def _take(self, event: Delta | TextRun, pieces: int, shaped: list[AnswerEvent]) -> None:
        self.first_token = self.first_token or self._clock()
        self.pieces += pieces
        shaped.append(event)


def _split(split: tuple[str, str], delta: Delta, think: bool | None) -> Delta | None:
    """The delta with inline thinking moved out of its content; None when nothing is left."""
    tagged_thinking, content = split
    thinking = "" if think is False else delta.thinking + tagged_thinking
    if not (content or thinking or delta.tool_calls or delta.logprobs):
        return None
    if content == delta.content and thinking == delta.thinking:
        return delta
    return Delta(
        content=content, thinking=thinking, tool_calls=delta.tool_calls, logprobs=delta.logprobs
    )
