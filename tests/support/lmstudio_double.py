"""An LM Studio stand-in following its documented and observed behaviour, quirks included.

`api` picks the generation it imitates: "v1" (0.4.x: /api/v1, /api/v0 and /v1), "v0" (0.3.x: no
/api/v1, which it answers with HTTP 200 and an error body), or "openai" (a plain OpenAI-compatible
server such as llama.cpp's, which answers unknown routes with 404).
"""

from __future__ import annotations

import asyncio
import copy
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar.types import Receive, Scope, Send

from tests.support import lmstudio_extras as extras
from tests.support import lmstudio_inference as inference
from tests.support.lmstudio_models import default_models, openai_listing, v0_listing
from tests.support.sse_scripts import completion_script, content_script

Handler = Callable[["LMStudioDouble", bytes], Awaitable[tuple[int, Any]]]
# Routes ending in a path parameter: the handler also gets the path's last segment.
TailHandler = Callable[["LMStudioDouble", bytes, str], Awaitable[tuple[int, Any]]]


class LMStudioDouble:
    def __init__(self) -> None:
        self.url = ""
        self.reset()

    def reset(self) -> None:
        # Deep copies: routes mutate loaded_instances, which must not leak into the next test.
        self.models: list[dict[str, Any]] = copy.deepcopy(default_models())
        self.api = "v1"
        self.jit = True  # LM Studio's "Just in Time Model Loading" server switch
        self.required_token: str | None = None
        self.fail_status: int | None = None
        self.fail_times = -1  # how many answers fail_status spoils; -1 for all of them
        self.delay_seconds = 0.0
        self.calls: Counter[str] = Counter()
        self.authorizations: list[str] = []
        self.chat_script: list[bytes] = content_script(["Hello", "!"])
        self.completion_script: list[bytes] = completion_script(["Hello", "!"])
        self.chat_requests: list[dict[str, Any]] = []
        self.completion_requests: list[dict[str, Any]] = []
        self.load_requests: list[dict[str, Any]] = []
        self.unload_requests: list[dict[str, Any]] = []
        self.chunk_delay_seconds = 0.0
        self.split_frames = False
        self.reject: tuple[int, object] | None = None
        self.truncate_after: int | None = None
        self.abort_after: int | None = None
        self.jit_load_seconds = 0.0
        self.jit_loads = 0
        self.disconnected = threading.Event()
        self.disconnected_at: float | None = None
        self.last_headers: dict[str, str] = {}
        self.embedding_requests: list[dict[str, Any]] = []
        self.embedding_dimensions = 8
        self.embedding_tokens_counted = True  # real LM Studio reports 0 prompt tokens
        self.downloadable: dict[str, dict[str, Any]] = extras.default_downloadable()
        self.download_step_bytes = 1_000_000
        self.download_requests: list[dict[str, Any]] = []
        self.download_jobs: dict[str, dict[str, Any]] = {}
        self.status_polls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _run_lifespan(receive, send)
            return
        method, path = scope["method"], scope["path"]
        self.calls[f"{method} {path}"] += 1
        headers = dict(scope["headers"])
        self.authorizations.append(headers.get(b"authorization", b"").decode())
        body = await _read_body(receive)
        status, payload = await self._answer(method, path, headers, body)
        if isinstance(payload, inference.EventStream):
            await inference.send_event_stream(self, payload.frames, receive, send)
        else:
            await _send_json(send, status, payload)

    async def _answer(
        self, method: str, path: str, headers: dict[bytes, bytes], body: bytes
    ) -> tuple[int, Any]:
        handler = self._route(method, path)
        # Before the token check, so a test also sees what a refused call sent.
        if handler in INFERENCE_HANDLERS:
            self.last_headers = {
                name.decode("latin-1").lower(): value.decode("latin-1")
                for name, value in headers.items()
            }
        if (
            self.required_token
            and headers.get(b"authorization") != f"Bearer {self.required_token}".encode()
        ):
            return 401, {
                "error": {
                    "type": "invalid_request",
                    "code": "invalid_api_key",
                    "message": "An LM Studio API token is required.",
                }
            }
        if handler is None:
            if self.api in ("openai", "none"):
                return 404, {
                    "error": {"code": 404, "message": "File Not Found", "type": "not_found_error"}
                }
            return 200, {"error": f"Unexpected endpoint or method. ({method} {path})"}
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if self.fail_status and self.fail_times != 0:
            self.fail_times -= 1
            return self.fail_status, {
                "error": {"message": "simulated failure", "type": "internal_error"}
            }
        return await handler(self, body)

    def _route(self, method: str, path: str) -> Handler | None:
        if path.startswith(UNSERVED_PREFIXES[self.api]):
            return None
        return ROUTES.get((method, path)) or _tail_route(method, path)

    async def list_v1(self, _: bytes) -> tuple[int, Any]:
        return 200, {"models": self.models}

    async def list_v0(self, _: bytes) -> tuple[int, Any]:
        return 200, v0_listing(self._listed())

    async def list_openai(self, _: bytes) -> tuple[int, Any]:
        return 200, openai_listing(self._listed())

    def _listed(self) -> list[dict[str, Any]]:
        """With JIT off, the older lists name loaded models only; /api/v1 lists every one."""
        return self.models if self.jit else [m for m in self.models if m["loaded_instances"]]

    async def greet(self, _: bytes) -> tuple[int, Any]:
        """The probe `lms` itself uses to tell that LM Studio's server is up."""
        return 200, {"lmstudio": True}


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "/lmstudio-greeting"): LMStudioDouble.greet,
    ("GET", "/api/v1/models"): LMStudioDouble.list_v1,
    ("GET", "/api/v0/models"): LMStudioDouble.list_v0,
    ("GET", "/v1/models"): LMStudioDouble.list_openai,
    ("POST", "/v1/chat/completions"): inference.chat_completions,
    ("POST", "/api/v0/chat/completions"): inference.chat_completions,
    ("POST", "/v1/completions"): inference.completions,
    ("POST", "/api/v1/models/load"): inference.load_model,
    ("POST", "/api/v1/models/unload"): inference.unload_model,
    ("POST", "/v1/embeddings"): extras.embeddings,
    ("POST", "/api/v0/embeddings"): extras.embeddings,
    ("POST", "/api/v1/models/download"): extras.download,
}

TAIL_ROUTES: dict[tuple[str, str], TailHandler] = {
    ("GET", "/api/v1/models/download/status/"): extras.download_status,
}

INFERENCE_HANDLERS: frozenset[Handler] = frozenset(
    {
        inference.chat_completions,
        inference.completions,
        extras.embeddings,
    }
)

UNSERVED_PREFIXES: dict[str, tuple[str, ...]] = {
    "v1": (),
    "v0": ("/api/v1/",),
    "openai": ("/api/v1/", "/api/v0/", "/lmstudio-greeting"),
    "none": ("/",),
}


def _tail_route(method: str, path: str) -> Handler | None:
    for (verb, prefix), handler in TAIL_ROUTES.items():
        tail = path.removeprefix(prefix)
        if verb == method and tail != path and tail and "/" not in tail:
            return _bind_tail(handler, tail)
    return None


def _bind_tail(handler: TailHandler, tail: str) -> Handler:
    async def bound(double: LMStudioDouble, body: bytes) -> tuple[int, Any]:
        return await handler(double, body, tail)

    return bound


async def _run_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _send_json(send: Send, status: int, payload: Any) -> None:
    body = msgspec.json.encode(payload)
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"x-powered-by", b"Express")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
