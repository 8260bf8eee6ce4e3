"""Operational endpoints for whoever runs shim: liveness and readiness."""
