"""shim's own state on disk."""
