"""The dialects shim serves (Ollama, OpenAI) and its operational endpoints."""
