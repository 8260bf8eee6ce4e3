"""A token count for text when the backend reports none (LM Studio's embeddings report 0)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

# Words, runs of digits and single symbols: each is at least one token to a BPE tokenizer, and
# a long word costs about one more token per six characters (common English words are one).
_PIECES = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_")
CHARACTERS_PER_TOKEN = 6


def estimated_tokens(texts: Iterable[str]) -> int:
    """At least one token for each non-empty text, as a real tokenizer would give."""
    return sum(max(1, _count(text)) for text in texts if text)


def _count(text: str) -> int:
    return sum(math.ceil(len(piece) / CHARACTERS_PER_TOKEN) for piece in _PIECES.findall(text))
