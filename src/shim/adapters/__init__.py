"""Adapters: the ports implemented against LM Studio, and fakes."""
