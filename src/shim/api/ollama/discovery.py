"""Ollama's discovery routes: root banner, version, tags, ps and show."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get, post, route
from litestar.enums import HttpMethod
from litestar.params import RawBody

from shim.api.decoding import decode_body
from shim.api.dependencies import CatalogDep, SelectorDep, server_info_of
from shim.api.go_json import JSON_MEDIA_TYPE, json_response, text_response
from shim.api.ollama.models_codec import ps_from_models, show_from_model
from shim.api.ollama.tags_body import tags_body
from shim.api.ollama.wire import ShowRequest, VersionResponse
from shim.domain.errors import InvalidRequest, ModelNotFound
from shim.domain.names import ollama_name

GET_AND_HEAD = [HttpMethod.GET, HttpMethod.HEAD]


class DiscoveryController(Controller):
    """What clients call to find out which models exist and what they can do."""

    @route("/", http_method=GET_AND_HEAD, name="ollama.root")
    async def banner(self) -> Response[bytes]:
        return text_response("Ollama is running")

    @route("/api/version", http_method=GET_AND_HEAD, name="ollama.version")
    async def report_version(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        return json_response(VersionResponse(version=server_info_of(request).ollama_version))

    @route("/api/tags", http_method=GET_AND_HEAD, name="ollama.tags")
    async def list_tags(
        self, request: Request[Any, Any, Any], catalog: CatalogDep
    ) -> Response[bytes]:
        models = await catalog.list_models()
        return Response(tags_body(models, server_info_of(request)), media_type=JSON_MEDIA_TYPE)

    @get("/api/ps", name="ollama.ps")
    async def list_running(self, catalog: CatalogDep) -> Response[bytes]:
        models = await catalog.list_models()
        return json_response(ps_from_models(models, datetime.now().astimezone()))

    @post("/api/show", name="ollama.show", status_code=200)
    async def show_model(
        self,
        request: Request[Any, Any, Any],
        body: RawBody,
        selector: SelectorDep,
    ) -> Response[bytes]:
        asked = decode_body(body, ShowRequest)
        name = asked.model or asked.name
        if not name:
            raise InvalidRequest("model is required")
        try:
            record = await selector.resolve(name)
        except ModelNotFound:
            # /api/show names the model in its normalised form, unlike the other routes.
            raise ModelNotFound(ollama_name(name)) from None
        user_agent = request.headers.get("user-agent", "")
        return json_response(
            show_from_model(
                record,
                name,
                user_agent,
                server_info_of(request).started_at,
                verbose=asked.verbose,
            )
        )
