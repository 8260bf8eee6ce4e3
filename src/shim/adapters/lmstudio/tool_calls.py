"""Tool calls arrive as fragments keyed by index; each leaves whole, once, with object arguments."""

from __future__ import annotations

import secrets
import string
from typing import Any

import msgspec
import structlog

from shim.adapters.lmstudio.chunk_wire import ToolCallFragment
from shim.domain.completion import ToolCall

log = structlog.get_logger(__name__)

ID_ALPHABET = string.ascii_lowercase + string.digits


class _Partial:
    def __init__(self) -> None:
        self.id = ""
        self.name = ""
        self.arguments: list[str] = []

    def complete_arguments(self) -> dict[str, Any] | None:
        """The arguments once they are a whole JSON object: nothing can follow one. Only a
        piece that ends in a brace can complete one, so long arguments are not re-read each time."""
        if not (self.name and self.arguments and self.arguments[-1].rstrip().endswith("}")):
            return None
        try:
            value = msgspec.json.decode("".join(self.arguments))
        except msgspec.DecodeError:
            return None
        return value if isinstance(value, dict) else None


class ToolCallAccumulator:
    """Calls leave in index order, each as soon as it and every call before it is whole, as
    Ollama streams them: a client may number calls by the chunk they came in."""

    def __init__(self) -> None:
        self._calls: dict[int, _Partial] = {}
        self._last_index = 0
        self._released = 0

    def add(self, fragments: list[ToolCallFragment]) -> None:
        for fragment in fragments:
            # Some builds omit the index on follow-up fragments: they continue the last call.
            index = self._last_index if fragment.index is None else fragment.index
            self._last_index = index
            partial = self._calls.setdefault(index, _Partial())
            partial.id = fragment.id or partial.id
            if fragment.function is not None:
                # Older builds repeat an empty name on every fragment; only a real name counts.
                partial.name = fragment.function.name or partial.name
                if fragment.function.arguments:
                    partial.arguments.append(fragment.function.arguments)

    def ready(self) -> tuple[ToolCall, ...]:
        """The calls that are whole, up to the first that is not."""
        calls: list[ToolCall] = []
        for index in sorted(self._calls):
            arguments = self._calls[index].complete_arguments()
            if arguments is None:
                break
            calls.append(self._release(self._calls.pop(index), arguments))
        return tuple(calls)

    def take(self) -> tuple[ToolCall, ...]:
        """Every call left, at the end of the answer; nameless fragments are dropped."""
        named = [self._calls[index] for index in sorted(self._calls) if self._calls[index].name]
        self._calls.clear()
        calls = tuple(self._release(partial, _arguments(partial)) for partial in named)
        self._released = 0
        return calls

    def _release(self, partial: _Partial, arguments: dict[str, Any]) -> ToolCall:
        call = ToolCall(
            id=partial.id or new_call_id(),
            name=partial.name,
            arguments=arguments,
            index=self._released,
        )
        self._released += 1
        return call


def new_call_id() -> str:
    return "call_" + "".join(secrets.choice(ID_ALPHABET) for _ in range(8))


def _arguments(partial: _Partial) -> dict[str, Any]:
    text = "".join(partial.arguments).strip()
    if not text:
        return {}
    try:
        value = msgspec.json.decode(text)
    except msgspec.DecodeError:
        log.warning("upstream.tool_arguments_unreadable", tool=partial.name, length=len(text))
        return {}
    return value if isinstance(value, dict) else {"value": value}
