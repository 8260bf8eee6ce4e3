"""Whole answers as Ollama's `/v1` layer writes them: its writers set a bare `application/json`
and encode with Go's json.Encoder, which escapes HTML and ends the body with a newline
(middleware/openai.go, `ChatWriter.writeResponse` and the others)."""

from __future__ import annotations

from shim.api.go_json import encoder_response

json_answer = encoder_response
