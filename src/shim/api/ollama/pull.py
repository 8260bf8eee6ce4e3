"""Ollama's /api/pull as an LM Studio download, reported in Ollama's progress lines."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncGenerator
from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.params import RawBody
from litestar.types import ASGIApp

from shim.api.decoding import decode_body
from shim.api.dependencies import PullServiceDep
from shim.api.go_json import go_json, json_response
from shim.api.streamed import Streamed, served
from shim.api.streaming import NDJSON, ndjson_lines
from shim.domain.errors import InvalidRequest
from shim.domain.names import is_valid_name
from shim.domain.ports import PullProgress

UNSET = msgspec.UNSET


class PullIn(msgspec.Struct, kw_only=True):
    model: str = ""
    name: str = ""
    insecure: bool = False
    stream: bool | None = None


class ProgressOut(msgspec.Struct, kw_only=True):
    status: str
    digest: str | msgspec.UnsetType = UNSET
    total: int | msgspec.UnsetType = UNSET
    completed: int | msgspec.UnsetType = UNSET


class PullController(Controller):
    @post("/api/pull", name="ollama.pull", status_code=200)
    async def pull(
        self, request: Request[Any, Any, Any], body: RawBody, pulls: PullServiceDep
    ) -> ASGIApp:
        asked = decode_body(body, PullIn)
        name = asked.model or asked.name
        if not is_valid_name(name):
            raise InvalidRequest("invalid model name")
        progress = await pulls.open(name)
        lines = ollama_progress(name, progress)
        if asked.stream is False:
            async for _ in lines:
                pass
            return served(json_response(ProgressOut(status="success")), request)
        return Streamed(ndjson_lines(lines, lambda line: go_json(line) + b"\n"), NDJSON)


async def ollama_progress(
    name: str, progress: AsyncGenerator[PullProgress, None]
) -> AsyncGenerator[ProgressOut, None]:
    """Ollama's sequence: manifest, the layer's bytes, verification, manifest, success."""
    digest = "sha256:" + hashlib.sha256(name.encode()).hexdigest()
    layer = f"pulling {digest[7:19]}"
    yield ProgressOut(status="pulling manifest")
    async for step in progress:
        if step.state == "present":
            continue
        total = step.total or UNSET
        yield ProgressOut(status=layer, digest=digest, total=total, completed=step.completed or 0)
        if step.state == "completed":
            yield ProgressOut(status="verifying sha256 digest")
            yield ProgressOut(status="writing manifest")
    yield ProgressOut(status="success")
