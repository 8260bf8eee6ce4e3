"""Whether shim wants new traffic: false from the moment it is asked to stop."""

from __future__ import annotations


class Readiness:
    def __init__(self) -> None:
        self.draining = False
