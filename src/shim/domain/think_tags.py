"""Separates `<think>…</think>` reasoning that a model writes inline from its answer."""

from __future__ import annotations

OPEN = "<think>"
CLOSE = "</think>"


class ThinkTagSplitter:
    """Feed content pieces in order; tags may be split anywhere across pieces."""

    def __init__(self) -> None:
        self._thinking = False
        self._held = ""

    def passes(self, text: str) -> bool:
        """True when `text` is plain answer text that needs no splitting at all."""
        return not (self._thinking or self._held or "<" in text)

    def feed(self, text: str) -> tuple[str, str]:
        """(thinking, answer) found in `text`; a possible partial tag at the end is held back."""
        if not self._held and "<" not in text:
            return (text, "") if self._thinking else ("", text)
        text = self._held + text
        self._held = ""
        thinking: list[str] = []
        answer: list[str] = []
        while text:
            tag = CLOSE if self._thinking else OPEN
            found = text.find(tag)
            if found >= 0:
                (thinking if self._thinking else answer).append(text[:found])
                text = text[found + len(tag) :]
                self._thinking = not self._thinking
                continue
            keep = _partial_tag_length(text, tag)
            (thinking if self._thinking else answer).append(text[: len(text) - keep])
            self._held = text[len(text) - keep :]
            break
        return "".join(thinking), "".join(answer)

    def flush(self) -> tuple[str, str]:
        """What was held back at the end of the stream: it was not a tag after all."""
        held, self._held = self._held, ""
        return (held, "") if self._thinking else ("", held)


def _partial_tag_length(text: str, tag: str) -> int:
    for length in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:length]):
            return length
    return 0
