"""Anthropic's Messages API (`/v1/messages`), answered through the chat service as Ollama's own
Anthropic layer answers it (anthropic/anthropic.go, middleware/anthropic.go)."""
