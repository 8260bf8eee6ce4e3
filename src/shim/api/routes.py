"""Every controller shim serves, in one list the app and the OpenAPI document share, and the
error answers of the app itself: Ollama's, for routes no other dialect claims, and the router's
plain text for paths nothing serves."""

from __future__ import annotations

from litestar import Controller
from litestar.types import ExceptionHandlersMap

from shim.api.anthropic.errors import unauthorized_body
from shim.api.anthropic.inference import MESSAGES_PATH, AnthropicMessagesController
from shim.api.auth import Rejection
from shim.api.errors import ROUTING_HANDLERS
from shim.api.ollama.account import AccountController
from shim.api.ollama.discovery import DiscoveryController
from shim.api.ollama.embedding import EmbeddingController
from shim.api.ollama.errors import EXCEPTION_HANDLERS as OLLAMA_HANDLERS
from shim.api.ollama.inference import InferenceController
from shim.api.ollama.management import ManagementController
from shim.api.ollama.pull import PullController
from shim.api.openai.embeddings import OpenAIEmbeddingsController
from shim.api.openai.inference import OpenAIInferenceController
from shim.api.openai.models import OpenAIModelsController
from shim.api.ops.health import HealthController
from shim.api.responses.inference import ResponsesController

CONTROLLERS: list[type[Controller]] = [
    DiscoveryController,
    InferenceController,
    EmbeddingController,
    ManagementController,
    PullController,
    AccountController,
    OpenAIModelsController,
    OpenAIInferenceController,
    OpenAIEmbeddingsController,
    ResponsesController,
    AnthropicMessagesController,
    HealthController,
]

EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    **OLLAMA_HANDLERS,
    **ROUTING_HANDLERS,
}

# A 401 where a dialect's clients expect their own envelope; elsewhere, Ollama's.
KEY_REJECTIONS: dict[str, Rejection] = {MESSAGES_PATH: unauthorized_body}
