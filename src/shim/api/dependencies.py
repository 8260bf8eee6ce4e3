"""Names and annotations under which handlers receive ports; validation is skipped for ports."""

from __future__ import annotations

from typing import Any, Protocol, cast

from litestar import Request
from litestar.params import SkipValidation

from shim.api.server_info import ServerInfo
from shim.domain.chat_service import ChatService
from shim.domain.embedding import EmbeddingService
from shim.domain.hosts import BackendHealth
from shim.domain.model_admin import ModelAdmin
from shim.domain.ports import ModelCatalog, ModelSelector
from shim.domain.pull import PullService

CATALOG = "catalog"
SELECTOR = "selector"
SERVER_INFO = "server_info"
CHAT_SERVICE = "chat_service"
EMBEDDINGS = "embeddings"
ADMIN = "admin"
PULLS = "pulls"
READINESS = "readiness"
HEALTH = "health"

CatalogDep = SkipValidation[ModelCatalog]
SelectorDep = SkipValidation[ModelSelector]
ChatServiceDep = SkipValidation[ChatService]
EmbeddingServiceDep = SkipValidation[EmbeddingService]
ModelAdminDep = SkipValidation[ModelAdmin]
PullServiceDep = SkipValidation[PullService]
HealthDep = SkipValidation[BackendHealth]


class Readiness(Protocol):
    """Whether this process still wants new traffic (set by the composition root)."""

    @property
    def draining(self) -> bool: ...


# Process-level facts travel in the app's state, not as dependencies: with more than one
# dependency per handler Litestar resolves them in a task group, on every request.
def server_info_of(request: Request[Any, Any, Any]) -> ServerInfo:
    return cast(ServerInfo, request.app.state[SERVER_INFO])


def readiness_of(request: Request[Any, Any, Any]) -> Readiness:
    return cast(Readiness, request.app.state[READINESS])
