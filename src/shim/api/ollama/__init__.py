"""Ollama's native API: wire types, pure codecs and thin controllers."""
