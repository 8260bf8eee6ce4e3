"""Value types that describe the models a backend offers."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Literal

import msgspec

from shim.domain.completion import Sampling

ModelKind = Literal["llm", "embedding"]


class Capability(enum.StrEnum):
    """What a model can do; the values match Ollama's capability words."""

    COMPLETION = "completion"
    TOOLS = "tools"
    VISION = "vision"
    THINKING = "thinking"
    EMBEDDING = "embedding"


class ModelDefaults(msgspec.Struct, frozen=True, kw_only=True):
    """What a model made with /api/create adds to every request that does not say otherwise."""

    system: str | None = None
    sampling: Sampling = Sampling()
    context_length: int | None = None
    template: str | None = None


class LoadedInstance(msgspec.Struct, frozen=True, kw_only=True):
    """One copy of a model held in memory by the backend."""

    instance_id: str
    context_length: int | None = None


class ModelRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A model as the backend describes it; fields it does not report stay empty."""

    key: str
    kind: ModelKind = "llm"
    display_name: str = ""
    architecture: str | None = None
    format: str | None = None
    quantization: str | None = None
    size_bytes: int = 0
    parameter_size: str | None = None
    max_context_length: int | None = None
    vision: bool = False
    tool_use: bool = False
    reasoning: bool | None = None
    """True: it can think; False: the backend says it cannot; None: the backend does not say."""
    loaded_instances: tuple[LoadedInstance, ...] = ()
    modified_at: datetime | None = None
    backend: str = "default"
    hosts: tuple[str, ...] = ()
    """The hosts that serve the model, when the backend spans several; empty otherwise."""
    alias_of: str | None = None
    defaults: ModelDefaults | None = None

    @property
    def upstream_key(self) -> str:
        """The key the backend knows the model by (an alias's target)."""
        return self.alias_of or self.key

    @property
    def is_loaded(self) -> bool:
        return bool(self.loaded_instances)

    @property
    def context_length(self) -> int | None:
        """The usable window: the loaded instance's if loaded, else the trained maximum."""
        for instance in self.loaded_instances:
            if instance.context_length:
                return instance.context_length
        return self.max_context_length

    @property
    def capabilities(self) -> tuple[Capability, ...]:
        if self.kind == "embedding":
            return (Capability.EMBEDDING,)
        found = [Capability.COMPLETION]
        if self.tool_use:
            found.append(Capability.TOOLS)
        if self.vision:
            found.append(Capability.VISION)
        if self.reasoning is True:
            found.append(Capability.THINKING)
        return tuple(found)
