"""The OpenAI-compatible `/v1/*` dialect, on the same port as Ollama's API."""
