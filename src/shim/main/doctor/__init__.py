"""`shim doctor`: LM Studio's connection checked step by step, and what to do about it."""
