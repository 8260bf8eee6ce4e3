"""What the OpenAI-style dialects (chat completions and Responses) share as Ollama's `/v1` layer
writes them: the error envelope, whole JSON answers, image URLs and reasoning efforts."""
