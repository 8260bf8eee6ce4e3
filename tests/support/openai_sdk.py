"""The official `openai` client as the /v1 tests point it at shim, and the error envelope they
expect back."""

from __future__ import annotations

from typing import Any

import openai


def client(url: str) -> openai.OpenAI:
    """No retries: a test sees each answer as shim gave it."""
    return openai.OpenAI(base_url=url + "/v1", api_key="ollama", max_retries=0)


def envelope(message: str, kind: str) -> dict[str, Any]:
    """OpenAI's error object, as Ollama's /v1 layer fills it."""
    return {"message": message, "type": kind, "param": None, "code": None}
