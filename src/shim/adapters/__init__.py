"""Adapters: the ports implemented against LM Studio (or any OpenAI-compatible server) and a fake."""
