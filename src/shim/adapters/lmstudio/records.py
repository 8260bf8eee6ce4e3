"""Pure mapping from each of LM Studio's model lists to domain records."""

from __future__ import annotations

import msgspec

from shim.adapters.lmstudio.wire import (
    OpenAIModelList,
    ServerProps,
    V0ModelList,
    V1Model,
    V1ModelList,
    V1Quantization,
)
from shim.domain.models import LoadedInstance, ModelRecord

V0_EMBEDDING_TYPES = frozenset({"embedding", "embeddings"})


def from_v1(listing: V1ModelList, backend: str) -> list[ModelRecord]:
    return [_from_v1_model(model, backend) for model in listing.models]


def _from_v1_model(model: V1Model, backend: str) -> ModelRecord:
    caps = model.capabilities
    return ModelRecord(
        key=model.key,
        kind="embedding" if model.type == "embedding" else "llm",
        display_name=model.display_name or model.key,
        architecture=model.architecture,
        format=model.format,
        quantization=_quantization_name(model.quantization),
        size_bytes=model.size_bytes or 0,
        parameter_size=model.params_string,
        max_context_length=model.max_context_length,
        vision=bool(caps and caps.vision) or model.type == "vlm",
        tool_use=bool(caps and caps.trained_for_tool_use),
        reasoning=_reasoning(model),
        loaded_instances=tuple(
            LoadedInstance(instance_id=i.id, context_length=i.config.context_length)
            for i in model.loaded_instances
        ),
        backend=backend,
    )


def _reasoning(model: V1Model) -> bool | None:
    """Only a reasoning config that offers nothing but "off" says a model cannot think: models
    that always think inline (R1 distills) come with no config at all."""
    reasoning = model.capabilities and model.capabilities.reasoning
    if not reasoning:
        return None
    return bool(set(reasoning.allowed_options) - {"off"})


def _quantization_name(quantization: V1Quantization | str | None) -> str | None:
    if isinstance(quantization, V1Quantization):
        return quantization.name
    return quantization


def from_v0(listing: V0ModelList, backend: str) -> list[ModelRecord]:
    return [
        ModelRecord(
            key=model.id,
            kind="embedding" if model.type in V0_EMBEDDING_TYPES else "llm",
            display_name=model.id,
            architecture=model.arch,
            format=model.compatibility_type,
            quantization=model.quantization,
            max_context_length=model.max_context_length,
            vision=model.type == "vlm",
            tool_use="tool_use" in model.capabilities,
            loaded_instances=(
                (LoadedInstance(instance_id=model.id, context_length=model.loaded_context_length),)
                if model.state == "loaded"
                else ()
            ),
            backend=backend,
        )
        for model in listing.data
    ]


def from_openai(listing: OpenAIModelList, backend: str) -> list[ModelRecord]:
    """A plain OpenAI-compatible server says little; llama.cpp's adds a `meta` block.

    A model with `meta` is one llama.cpp serves, and so holds in memory at its `n_ctx`.
    """
    return [
        ModelRecord(
            key=model.id,
            kind="embedding" if "embed" in model.id.lower() else "llm",
            display_name=model.id,
            size_bytes=(model.meta and model.meta.size) or 0,
            parameter_size=human_count(model.meta.n_params) if model.meta else None,
            max_context_length=model.meta.n_ctx_train if model.meta else None,
            loaded_instances=(
                (LoadedInstance(instance_id=model.id, context_length=model.meta.n_ctx),)
                if model.meta
                else ()
            ),
            backend=backend,
        )
        for model in listing.data
    ]


def with_props(models: list[ModelRecord], props: ServerProps | None) -> list[ModelRecord]:
    """llama.cpp's /props says what its one model can do: tools through its template, vision."""
    if props is None:
        return models
    tools = bool(props.chat_template_caps and props.chat_template_caps.supports_tools)
    vision = bool(props.modalities and props.modalities.vision)
    return [
        msgspec.structs.replace(model, tool_use=tools, vision=vision)
        if model.kind == "llm"
        else model
        for model in models
    ]


def human_count(count: int | None) -> str | None:
    """Parameter counts as Ollama shows them: 7.2B, 135M, 22K."""
    if not count:
        return None
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + suffix
    return str(count)
