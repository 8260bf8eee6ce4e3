"""`GET /v1/models` lists shim's catalog under Ollama's names, as Ollama's `/v1` layer does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from shim.api.dependencies import CatalogDep, SelectorDep, server_info_of
from shim.api.go_json import json_response
from shim.api.openai.wire import ModelList, ModelObject
from shim.domain.models import ModelRecord
from shim.domain.names import ollama_name


def model_object(record: ModelRecord, name: str, fallback_time: datetime) -> ModelObject:
    namespace, slash, _ = record.key.partition("/")
    return ModelObject(
        id=name,
        object="model",
        created=int((record.modified_at or fallback_time).timestamp()),
        owned_by=namespace if slash else "library",
    )


class OpenAIModelsController(Controller):
    @get("/v1/models", name="openai.models")
    async def list_models(
        self, request: Request[Any, Any, Any], catalog: CatalogDep
    ) -> Response[bytes]:
        records = await catalog.list_models()
        started_at = server_info_of(request).started_at
        data = [model_object(r, ollama_name(r.key), started_at) for r in records]
        return json_response(ModelList(object="list", data=data))

    @get("/v1/models/{model_id:path}", name="openai.model")
    async def retrieve_model(
        self, request: Request[Any, Any, Any], model_id: FromPath[str], selector: SelectorDep
    ) -> Response[bytes]:
        name = model_id.lstrip("/")
        record = await selector.resolve(name)
        return json_response(model_object(record, name, server_info_of(request).started_at))
