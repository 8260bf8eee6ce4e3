"""Model lists of LM Studio's /api/v1, /api/v0 and OpenAI-compatible /v1; unknown keys ignored."""

from __future__ import annotations

import msgspec


class V1Quantization(msgspec.Struct):
    name: str | None = None


class V1InstanceConfig(msgspec.Struct):
    context_length: int | None = None


class V1Instance(msgspec.Struct):
    id: str
    config: V1InstanceConfig = msgspec.field(default_factory=V1InstanceConfig)


class V1Reasoning(msgspec.Struct):
    allowed_options: list[str] = msgspec.field(default_factory=list)


class V1Capabilities(msgspec.Struct):
    vision: bool = False
    trained_for_tool_use: bool = False
    reasoning: V1Reasoning | None = None


class V1Model(msgspec.Struct):
    key: str
    type: str = "llm"
    display_name: str | None = None
    architecture: str | None = None
    quantization: V1Quantization | str | None = None
    size_bytes: int | None = None
    params_string: str | None = None
    loaded_instances: list[V1Instance] = msgspec.field(default_factory=list)
    max_context_length: int | None = None
    format: str | None = None
    capabilities: V1Capabilities | None = None


class V1ModelList(msgspec.Struct):
    models: list[V1Model]


class V0Model(msgspec.Struct):
    id: str
    type: str = "llm"
    arch: str | None = None
    compatibility_type: str | None = None
    quantization: str | None = None
    state: str | None = None
    max_context_length: int | None = None
    loaded_context_length: int | None = None
    capabilities: list[str] = msgspec.field(default_factory=list)


class V0ModelList(msgspec.Struct):
    data: list[V0Model]


class OpenAIModelMeta(msgspec.Struct):
    n_ctx: int | None = None
    n_ctx_train: int | None = None
    n_params: int | None = None
    size: int | None = None


class OpenAIModel(msgspec.Struct):
    id: str
    meta: OpenAIModelMeta | None = None


class OpenAIModelList(msgspec.Struct):
    data: list[OpenAIModel]


class TemplateCaps(msgspec.Struct):
    supports_tools: bool = False


class Modalities(msgspec.Struct):
    vision: bool = False


class ServerProps(msgspec.Struct):
    """llama.cpp's GET /props: what the loaded model's chat template and inputs support."""

    chat_template_caps: TemplateCaps | None = None
    modalities: Modalities | None = None
