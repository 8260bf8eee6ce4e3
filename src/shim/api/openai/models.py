"""`GET /v1/models` and `/v1/models/{id}`: shim's catalog under Ollama's names, as Ollama's `/v1`
layer answers them (openai.go `ToListCompletion`, `ToModel`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from shim.api.dependencies import CatalogDep, SelectorDep, server_info_of
from shim.api.openai.errors import EXCEPTION_HANDLERS
from shim.api.openai.wire import ModelList, ModelObject
from shim.api.openai_shared.json_answer import json_answer
from shim.domain.errors import ModelNotFound
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
    exception_handlers = EXCEPTION_HANDLERS

    @get("/v1/models", name="openai.models")
    async def list_models(
        self, request: Request[Any, Any, Any], catalog: CatalogDep
    ) -> Response[bytes]:
        records = await catalog.list_models()
        started_at = server_info_of(request).started_at
        data = [model_object(r, ollama_name(r.key), started_at) for r in records]
        return json_answer(ModelList(object="list", data=data or None))

    @get("/v1/models/{model_id:path}", name="openai.model")
    async def retrieve_model(
        self, request: Request[Any, Any, Any], model_id: FromPath[str], selector: SelectorDep
    ) -> Response[bytes]:
        name = model_id.lstrip("/")
        try:
            record = await selector.resolve(name)
        except ModelNotFound:
            # Ollama answers through /api/show, which names the model in its normalised form.
            raise ModelNotFound(ollama_name(name)) from None
        return json_answer(model_object(record, name, server_info_of(request).started_at))
