"""The words of Go's JSON decoder when a value is of the wrong kind, which Ollama passes on."""

from __future__ import annotations

from typing import Any

KINDS = ((bool, "bool"), (int | float, "number"), (str, "string"), (list, "array"))
GO_TYPES = {"array": "[]json.RawMessage", "struct": "struct", "string": "string"}


def json_kind(value: Any) -> str:
    for kind, name in KINDS:
        if isinstance(value, kind):
            return name
    return "object"


def cannot_unmarshal(value: Any, into: str = "array") -> str:
    return f"json: cannot unmarshal {json_kind(value)} into Go value of type {GO_TYPES[into]}"
