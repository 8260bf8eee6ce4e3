"""The ports: what the domain needs from the outside, and what it offers to the edges."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import AsyncGenerator, Callable, Hashable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

import msgspec

from shim.domain.completion import CompletionEvent, CompletionRequest
from shim.domain.embedding_types import BackendEmbeddings
from shim.domain.models import ModelDefaults, ModelRecord

if TYPE_CHECKING:
    from shim.domain.hosts import HostStatus


class ModelCatalog(Protocol):
    """Lists the models a backend offers."""

    @abstractmethod
    async def list_models(self) -> Sequence[ModelRecord]:
        """Every model the backend offers, loaded or not."""


class ModelSelector(Protocol):
    """Turns the name a client sent into one model of the catalog."""

    @abstractmethod
    async def resolve(self, name: str) -> ModelRecord:
        """The model `name` refers to; raises ModelNotFound when there is none."""


class CompletionStreamer(Protocol):
    """Streams a completion from the backend."""

    @abstractmethod
    def stream(self, request: CompletionRequest) -> AsyncGenerator[CompletionEvent, None]:
        """Events as they arrive, ending with exactly one Finish. Plain text that arrives
        together may come as one TextRun.

        Failures raise ShimError subclasses.
        """


class ModelLifecycle(Protocol):
    """Loads and unloads models in the backend's memory."""

    @abstractmethod
    async def load(
        self, model: ModelRecord, *, keep_alive_seconds: float | None, context_length: int | None
    ) -> None:
        """Make sure the model is in memory, with this context window when one is given."""

    @abstractmethod
    async def unload(self, model: ModelRecord) -> None:
        """Free every loaded instance of the model."""


class Embedder(Protocol):
    """Turns texts into vectors with an embedding model."""

    @abstractmethod
    async def embed(self, model_key: str, inputs: list[str]) -> BackendEmbeddings:
        """One vector per input, in order, as the backend computed them."""


class Alias(msgspec.Struct, frozen=True, kw_only=True):
    """A name of shim's own for a backend model, with defaults for its requests."""

    name: str
    target: str
    defaults: ModelDefaults = ModelDefaults()
    created_at: datetime


class ModelChanges(Protocol):
    """Word that the models changed (a load, an unload, a download, an alias), shared by every
    process that serves, so that none keeps answering from a list made before."""

    @abstractmethod
    def announce(self) -> None:
        """Tell every process that its model list is out of date."""

    @abstractmethod
    def revision(self) -> Hashable:
        """Cheap to ask, and different once anyone has announced a change."""


class ModelLocks(Protocol):
    """One holder at a time per model, in every process that serves: a load must not race
    another, or LM Studio loads a second instance of the model."""

    @abstractmethod
    def hold(self, key: str) -> AbstractAsyncContextManager[None]:
        """Held while a request may load the model `key`; others wait their turn."""


AliasChange = Callable[[list[Alias]], list[Alias]]


class AliasStore(Protocol):
    """Keeps aliases across restarts, shared by every worker process."""

    @abstractmethod
    async def load(self) -> list[Alias]:
        """Every saved alias."""

    @abstractmethod
    async def update(self, change: AliasChange) -> list[Alias]:
        """Save `change(saved)` in one step no other writer, in any process, comes between;
        return the aliases as they were before."""


class PullProgress(msgspec.Struct, frozen=True, kw_only=True):
    state: Literal["downloading", "completed", "present"]
    total: int | None = None
    completed: int | None = None


class ModelDownloader(Protocol):
    """Fetches a model into the backend's library."""

    @abstractmethod
    def download(self, model: str, variant: str | None) -> AsyncGenerator[PullProgress, None]:
        """Progress as it happens, ending with completed or present; failures raise."""


class BackendHosts(Protocol):
    """The hosts behind the backend, for readiness and per-host figures."""

    @abstractmethod
    def statuses(self) -> Sequence[HostStatus]:
        """Every host in the order Settings list them; empty for a backend of one host."""

    @abstractmethod
    def revision(self) -> Hashable:
        """Cheap to ask, and different once a host has gone down or come back."""
