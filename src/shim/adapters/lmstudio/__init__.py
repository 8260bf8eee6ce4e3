"""LM Studio: native REST discovery with fallbacks, so any OpenAI-compatible server works too."""
