"""A JSON schema a client sent as the format Ollama's chat handler reads it as: a schema object,
or "json" for bare JSON; nothing (null, "") asks for plain text."""

from __future__ import annotations

from typing import Any

from shim.domain.completion import JsonOutput
from shim.domain.errors import InvalidRequest


def format_from_schema(schema: Any) -> JsonOutput | None:
    if schema is None or schema == "":
        return None
    if schema == "json":
        return JsonOutput()
    if isinstance(schema, dict):
        return JsonOutput(schema=schema)
    raise InvalidRequest(
        f'invalid format: {schema!r}; expected "json" or a valid JSON Schema object'
    )
