"""The ports: what the domain needs from the outside, and what it offers to the edges."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Protocol

from shim.domain.models import ModelRecord


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
