"""Ollama's discovery bodies, field for field and in Ollama's key order."""

from __future__ import annotations

from typing import Any

import msgspec


class ModelDetails(msgspec.Struct, kw_only=True):
    parent_model: str = ""
    format: str = ""
    family: str = ""
    families: list[str] | None = None
    parameter_size: str = ""
    quantization_level: str = ""
    context_length: int | msgspec.UnsetType = msgspec.UNSET
    embedding_length: int | msgspec.UnsetType = msgspec.UNSET


class ListedModel(msgspec.Struct, kw_only=True):
    name: str
    model: str
    modified_at: str
    size: int
    digest: str
    details: ModelDetails
    capabilities: list[str]


class TagsResponse(msgspec.Struct):
    models: list[ListedModel]


class RunningModel(msgspec.Struct, kw_only=True):
    name: str
    model: str
    size: int
    digest: str
    details: ModelDetails
    expires_at: str
    size_vram: int
    context_length: int | msgspec.UnsetType = msgspec.UNSET


class PsResponse(msgspec.Struct):
    models: list[RunningModel]


class ShowRequest(msgspec.Struct, kw_only=True):
    model: str = ""
    name: str = ""
    verbose: bool = False


class Tensor(msgspec.Struct):
    name: str
    type: str
    shape: list[int]


class ShowResponse(msgspec.Struct, kw_only=True):
    license: str = ""  # strict clients (OllamaKit) require these four strings, even empty
    modelfile: str
    parameters: str = ""
    template: str
    system: str | msgspec.UnsetType = msgspec.UNSET
    details: ModelDetails
    model_info: dict[str, Any]
    tensors: list[Tensor] | msgspec.UnsetType = msgspec.UNSET
    capabilities: list[str]
    modified_at: str


class VersionResponse(msgspec.Struct):
    version: str


class ErrorResponse(msgspec.Struct):
    error: str
