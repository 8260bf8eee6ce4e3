"""shim: LM Studio behind Ollama\x27s API."""
