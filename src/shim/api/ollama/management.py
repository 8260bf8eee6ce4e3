"""Ollama's model management: copy, create and delete make aliases; push and blobs cannot be."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from typing import Any

import msgspec
import structlog
from litestar import Controller, Request, Response, delete, head, post
from litestar.params import FromPath, RawBody
from litestar.types import ASGIApp

from shim.api.body_check import NOT_JSON
from shim.api.decoding import decode_body, log_ignored
from shim.api.dependencies import ModelAdminDep
from shim.api.go_json import json_response
from shim.api.ollama.options import context_length_from_options, sampling_from_options
from shim.api.streamed import Streamed, served
from shim.api.streaming import NDJSON, ndjson_lines
from shim.domain.errors import InvalidRequest, ModelNotFound, NotFound, Unsupported
from shim.domain.models import ModelDefaults
from shim.domain.names import is_valid_name

log = structlog.get_logger(__name__)
DIGEST = re.compile(r"sha256[:-][0-9a-f]{64}")


class CopyIn(msgspec.Struct):
    source: str = ""
    destination: str = ""


class NamedIn(msgspec.Struct, kw_only=True):
    model: str = ""
    name: str = ""
    stream: bool | None = None


class CreateIn(NamedIn, kw_only=True):
    source: str = msgspec.field(default="", name="from")
    system: str | None = None
    template: str | None = None
    parameters: dict[str, Any] | None = None
    files: dict[str, str] | None = None
    adapters: dict[str, str] | None = None
    quantize: str | None = None
    messages: list[Any] | None = None
    license: Any = None


class Status(msgspec.Struct):
    status: str


class ManagementController(Controller):
    @post("/api/copy", name="ollama.copy", status_code=200)
    async def copy_model(self, body: RawBody, admin: ModelAdminDep) -> Response[bytes]:
        asked = decode_body(body, CopyIn)
        if not is_valid_name(asked.source):
            raise InvalidRequest(f'source "{asked.source}" is invalid')
        if not asked.destination:
            raise InvalidRequest(f'destination "{asked.destination}" is invalid')
        try:
            await admin.copy(asked.source, asked.destination)
        except ModelNotFound:
            raise ModelNotFound.quoted(asked.source) from None
        return Response(b"", status_code=200)

    @delete("/api/delete", name="ollama.delete", status_code=200)
    async def delete_model(self, body: RawBody, admin: ModelAdminDep) -> Response[bytes]:
        asked = decode_body(body, NamedIn)
        if not (asked.model or asked.name):
            raise InvalidRequest("model is required")
        await admin.delete(asked.model or asked.name)
        return Response(b"", status_code=200)

    @post("/api/create", name="ollama.create", status_code=200)
    async def create_model(
        self, request: Request[Any, Any, Any], body: RawBody, admin: ModelAdminDep
    ) -> ASGIApp:
        asked = decode_body(body, CreateIn)
        name = asked.model or asked.name
        if asked.files or asked.adapters or asked.quantize:
            raise Unsupported(
                "shim can only create models from an existing model ('from'): "
                "LM Studio offers no way to import files or quantize"
            )
        if not is_valid_name(name):
            raise InvalidRequest("invalid model name")
        if not asked.source:
            raise InvalidRequest("neither 'from' or 'files' was specified")
        target = await admin.create(name, asked.source, defaults_of(asked))
        statuses = [
            "reading model metadata",
            f"using existing model {target.upstream_key}",
            "writing manifest",
            "success",
        ]
        if asked.stream is False:
            return served(json_response(Status(status="success")), request)
        return Streamed(ndjson_lines(_statuses(statuses), _status_line), NDJSON)

    @post("/api/push", name="ollama.push", status_code=200)
    async def push_model(self, body: RawBody) -> Response[bytes]:
        asked = decode_body(body, NamedIn)
        if not (asked.model or asked.name):
            raise InvalidRequest("model is required")
        raise Unsupported("shim cannot push models: LM Studio has no registry to push to")

    @head("/api/blobs/{digest:str}", name="ollama.blob_exists", status_code=200)
    async def blob_exists(self, digest: FromPath[str]) -> None:
        _check_digest(digest)
        raise NotFound(f'blob "{digest}" not found')  # shim keeps no blobs

    @post("/api/blobs/{digest:str}", name="ollama.blob_upload", status_code=201, opt=NOT_JSON)
    async def upload_blob(self, digest: FromPath[str]) -> Response[bytes]:
        _check_digest(digest)
        raise Unsupported("shim cannot store blobs: LM Studio offers no way to import model files")


def defaults_of(asked: CreateIn) -> ModelDefaults:
    sampling, ignored = sampling_from_options(asked.parameters)
    dropped = [f"parameters.{name}" for name in ignored]
    dropped += [name for name in ("messages", "license") if getattr(asked, name)]
    log_ignored(dropped, "aliases cannot carry them")
    return ModelDefaults(
        system=asked.system,
        sampling=sampling,
        context_length=context_length_from_options(asked.parameters),
        template=asked.template,
    )


def _check_digest(digest: str) -> None:
    if not DIGEST.fullmatch(digest):
        raise InvalidRequest("invalid digest format")


async def _statuses(statuses: list[str]) -> AsyncGenerator[Status, None]:
    for status in statuses:
        yield Status(status=status)


def _status_line(status: Status) -> bytes:
    return msgspec.json.encode(status) + b"\n"
