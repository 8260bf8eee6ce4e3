"""Typed failures the domain and its ports raise; each dialect maps them to its wire."""

from __future__ import annotations


class ShimError(Exception):
    """Base of every failure shim reports to a client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(ShimError):
    """The client sent something that cannot be served as asked."""


class TooLarge(ShimError):
    """The request is larger than shim is set to take."""


class NotFound(ShimError):
    """Nothing by that name exists here."""


class ModelNotFound(NotFound):
    """No model answers to the requested name."""

    def __init__(self, name: str, message: str | None = None) -> None:
        super().__init__(message or f"model '{name}' not found")
        self.name = name

    @classmethod
    def quoted(cls, name: str) -> ModelNotFound:
        """/api/copy's wording, with double quotes."""
        return cls(name, f'model "{name}" not found')

    @classmethod
    def not_pulled(cls, name: str) -> ModelNotFound:
        """The words Ollama uses where a model fails to load for want of a pull (embeddings)."""
        return cls(name, f'model "{name}" not found, try pulling it first')


class UpstreamError(ShimError):
    """The backend answered, but with an error or something unreadable."""


class UpstreamUnavailable(UpstreamError):
    """The backend could not be reached at all."""


class UpstreamTimeout(UpstreamError):
    """The backend took longer to answer, or to go on answering, than shim waits."""


class UpstreamRejected(UpstreamError):
    """The backend refused the request itself; `status` is the HTTP status to pass on."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class StateUnavailable(ShimError):
    """The store of state shared with other shims (aliases, locks) could not be reached."""


class Unsupported(ShimError):
    """The backend cannot do this at all; saying so beats pretending."""


class NotCapable(ShimError):
    """The backend says the model cannot do what was asked (an LLM asked to embed, say)."""

    def __init__(self, capability: str) -> None:
        super().__init__(f"the model does not support {capability}")
        self.capability = capability


class ServerBusy(ShimError):
    """Too many requests are already waiting for the backend."""

    def __init__(self) -> None:
        # Ollama's own words, two spaces included.
        super().__init__("server busy, please try again.  maximum pending requests exceeded")
