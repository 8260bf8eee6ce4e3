"""Ollama's account and cloud routes, answered as a local Ollama with its cloud disabled does.

shim serves LM Studio's models and nothing of ollama.com: nobody is signed in, and web search,
web fetch and remote models are off, said in Ollama's own words (`ollama launch` probes
/api/status before it starts a tool).
"""

from __future__ import annotations

import msgspec
import structlog
from litestar import Controller, Response, delete, get, post
from litestar.params import RawBody

from shim.api.body_check import NOT_JSON
from shim.api.dependencies import CatalogDep
from shim.api.go_json import json_response
from shim.api.ollama.errors import ollama_error
from shim.domain.names import ollama_name

log = structlog.get_logger(__name__)

CLOUD_DISABLED = "ollama cloud is disabled"
# Ollama's sources of the decision are "env", "config" or "both": shim's is its configuration.
DISABLED_BY = "config"


class CloudStatus(msgspec.Struct):
    disabled: bool
    source: str


class StatusOut(msgspec.Struct):
    cloud: CloudStatus


class Recommendation(msgspec.Struct, kw_only=True):
    model: str
    description: str
    context_length: int | msgspec.UnsetType = msgspec.UNSET


class RecommendationsOut(msgspec.Struct):
    recommendations: list[Recommendation]


class AccountController(Controller):
    @get("/api/status", name="ollama.status")
    async def status(self) -> Response[bytes]:
        return json_response(StatusOut(cloud=CloudStatus(disabled=True, source=DISABLED_BY)))

    @post("/api/me", name="ollama.whoami", status_code=200, opt=NOT_JSON)
    async def whoami(self) -> Response[bytes]:
        # Ollama's answer for nobody signed in, less the sign-in link: there is nowhere to sign in.
        return ollama_error("unauthorized", 401)

    @post("/api/signout", name="ollama.signout", status_code=200, opt=NOT_JSON)
    async def sign_out(self) -> Response[bytes]:
        return ollama_error("you are not currently signed in", 401)

    @delete("/api/user/keys/{key:str}", name="ollama.signout_key", status_code=200, opt=NOT_JSON)
    async def remove_key(self) -> Response[bytes]:
        return ollama_error("you are not currently signed in", 401)

    @post("/api/experimental/web_search", name="ollama.web_search", status_code=200, opt=NOT_JSON)
    async def web_search(self, body: RawBody) -> Response[bytes]:
        return _cloud_only(body, "web search is unavailable")

    @post("/api/experimental/web_fetch", name="ollama.web_fetch", status_code=200, opt=NOT_JSON)
    async def web_fetch(self, body: RawBody) -> Response[bytes]:
        return _cloud_only(body, "web fetch is unavailable")

    @get("/api/experimental/model-recommendations", name="ollama.model_recommendations")
    async def recommendations(self, catalog: CatalogDep) -> Response[bytes]:
        """What can be run here: LM Studio's models, where Ollama lists its library's."""
        models = [record for record in await catalog.list_models() if record.kind == "llm"]
        return json_response(
            RecommendationsOut(
                recommendations=[
                    Recommendation(
                        model=ollama_name(record.key),
                        description=record.display_name or record.key,
                        context_length=record.max_context_length or msgspec.UNSET,
                    )
                    for record in models
                ]
            )
        )


def _cloud_only(body: bytes, operation: str) -> Response[bytes]:
    if not body.strip():
        return ollama_error("missing request body", 400)
    log.info("request.cloud_disabled", operation=operation)
    return ollama_error(f"{CLOUD_DISABLED}: {operation}", 403)
