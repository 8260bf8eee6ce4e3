"""OpenAI's Responses dialect (`/v1/responses`), answered through the chat service as Ollama's
`/v1` layer answers it through its own chat handler."""
