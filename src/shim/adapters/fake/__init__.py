"""A scripted backend for tests and demos (`SHIM_BACKEND=fake`)."""
