"""A catalog held in memory: a fixed demo set by default, or whatever a test hands it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import msgspec

from shim.domain.errors import UpstreamRejected, UpstreamUnavailable
from shim.domain.models import LoadedInstance, ModelRecord
from shim.domain.ports import ModelCatalog

DEMO_TIME = datetime(2026, 1, 1, tzinfo=UTC)
DEFAULT_CONTEXT = 4096  # the window LM Studio loads a model with when none is asked for


def demo_models() -> tuple[ModelRecord, ...]:
    """One model of each kind shim distinguishes, so every code path has something to show."""
    return (
        ModelRecord(
            key="fake/thinker-8b",
            display_name="Fake Thinker 8B",
            architecture="qwen3",
            format="gguf",
            quantization="Q4_K_M",
            size_bytes=5_027_784_448,
            parameter_size="8B",
            max_context_length=40960,
            tool_use=True,
            reasoning=True,
            loaded_instances=(LoadedInstance(instance_id="fake/thinker-8b", context_length=8192),),
            modified_at=DEMO_TIME,
            backend="fake",
        ),
        ModelRecord(
            key="fake/seer-4b@q8_0",
            display_name="Fake Seer 4B",
            architecture="gemma3",
            format="gguf",
            quantization="Q8_0",
            size_bytes=4_130_000_000,
            parameter_size="4B",
            max_context_length=131072,
            vision=True,
            reasoning=False,
            modified_at=DEMO_TIME,
            backend="fake",
        ),
        ModelRecord(
            key="fake/embedder",
            kind="embedding",
            display_name="Fake Embedder",
            architecture="nomic-bert",
            format="gguf",
            quantization="Q4_K_M",
            size_bytes=84_106_624,
            max_context_length=2048,
            modified_at=DEMO_TIME,
            backend="fake",
        ),
    )


class FakeModelCatalog(ModelCatalog):
    def __init__(self, models: Sequence[ModelRecord] | None = None) -> None:
        self.models: tuple[ModelRecord, ...] = tuple(demo_models() if models is None else models)
        self.reachable = True
        self.calls = 0

    async def list_models(self) -> tuple[ModelRecord, ...]:
        self.calls += 1
        if not self.reachable:
            raise UpstreamUnavailable("cannot reach the fake backend: switched off")
        return self.models

    def answering(self, name: str) -> ModelRecord:
        """The model a request naming `name` runs on, matched by key or instance id as LM Studio
        matches; refused in LM Studio's words when none answers to it."""
        for record in self.models:
            if name == record.key or any(i.instance_id == name for i in record.loaded_instances):
                return record
        message = f'Invalid model identifier "{name}". Please specify a valid downloaded model.'
        raise UpstreamRejected(message, 400)

    def load_on_use(self, record: ModelRecord) -> None:
        """LM Studio loads a model for the first request that needs it (JIT)."""
        if not record.is_loaded:
            window = min(DEFAULT_CONTEXT, record.max_context_length or DEFAULT_CONTEXT)
            instance = LoadedInstance(instance_id=record.key, context_length=window)
            self.replace_instances(record.key, (instance,))

    def replace_instances(self, key: str, instances: tuple[LoadedInstance, ...]) -> None:
        self.models = tuple(
            msgspec.structs.replace(record, loaded_instances=instances)
            if record.key == key
            else record
            for record in self.models
        )
