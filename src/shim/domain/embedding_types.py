"""What an embedding backend hands back."""

from __future__ import annotations

import msgspec

Vector = list[float]


class BackendEmbeddings(msgspec.Struct, frozen=True, kw_only=True):
    vectors: list[Vector]
    prompt_tokens: int | None = None
