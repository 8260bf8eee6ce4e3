"""The double's embeddings and model-download routes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tests.support import lmstudio_inference as inference

if TYPE_CHECKING:
    from tests.support.lmstudio_double import LMStudioDouble

Reply = tuple[int, Any]


def default_downloadable() -> dict[str, dict[str, Any]]:
    return {"ibm/granite-4-micro": {"size": 3_000_000, "fail": None}}


async def embeddings(double: LMStudioDouble, body: bytes) -> Reply:
    request = inference._decode(body)
    if request is None:
        return 400, {"error": "request body is not valid JSON"}
    double.embedding_requests.append(request)
    texts = _texts(request.get("input"))
    if texts is None:
        return 400, {"error": "'input' field must be a string or an array of strings"}
    model = _embedding_model(double, request.get("model"))
    if not isinstance(model, dict):
        return model
    width = request.get("dimensions")
    size = width if isinstance(width, int) and width > 0 else double.embedding_dimensions
    data = [
        {
            "object": "embedding",
            "embedding": vector(text, double.embedding_dimensions)[:size],
            "index": i,
        }
        for i, text in enumerate(texts)
    ]
    words = sum(len(text.split()) for text in texts) if double.embedding_tokens_counted else 0
    usage = {"prompt_tokens": words, "total_tokens": words}
    return 200, {"object": "list", "data": data, "model": model["key"], "usage": usage}


def vector(text: str, size: int) -> list[float]:
    """A deterministic, text-dependent vector in [-3, 3]: deliberately not unit length."""
    blocks = range(-(-size // 16))
    digest = b"".join(hashlib.sha256(f"{block}:{text}".encode()).digest() for block in blocks)
    halves = [digest[2 * i : 2 * i + 2] for i in range(size)]
    return [round(int.from_bytes(half) / 65535 * 6 - 3, 6) for half in halves]


def _texts(value: object) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None


def _embedding_model(double: LMStudioDouble, name: object) -> dict[str, Any] | Reply:
    model = next((model for model in double.models if inference._answers_to(model, name)), None)
    if model is None:
        message = f'Invalid model identifier "{name}". Please specify a valid downloaded model.'
        return 400, inference._openai_error(message)
    if model["type"] != "embedding":
        message = f'Failed to load model "{name}". Error: Model is not embedding.'
        return 404, inference._openai_error(message)
    instances = model.setdefault("loaded_instances", [])
    if not instances:
        context_length = min(4096, model.get("max_context_length") or 4096)
        instances.append({"id": model["key"], "config": {"context_length": context_length}})
    return model


async def download(double: LMStudioDouble, body: bytes) -> Reply:
    request = inference._decode(body) or {}
    double.download_requests.append(request)
    name = request.get("model")
    if any(model["key"] == name for model in double.models):
        return 200, {"status": "already_downloaded"}
    entry = double.downloadable.get(name) if isinstance(name, str) else None
    if entry is None:
        message = f'Model "{name}" not found in the catalog'
        return 404, {"error": {"type": "model_not_found", "message": message}}
    job_id = f"job_{secrets.token_hex(5)}"
    job = {"job_id": job_id, "status": "downloading", "total_size_bytes": entry["size"]}
    job |= {"started_at": _iso(_now()), "model": name, "fail": entry["fail"], "downloaded": 0}
    double.download_jobs[job_id] = job
    return 200, {key: job[key] for key in ("job_id", "status", "total_size_bytes", "started_at")}


async def download_status(double: LMStudioDouble, _: bytes, tail: str) -> Reply:
    double.status_polls += 1
    job = double.download_jobs.get(tail)
    if job is None:
        message = f'No download job "{tail}"'
        return 404, {"error": {"type": "job_not_found", "message": message}}
    if job["status"] == "downloading":
        _advance(double, job)
    return 200, _status(double, job)


def _advance(double: LMStudioDouble, job: dict[str, Any]) -> None:
    job["polls"] = job.get("polls", 0) + 1
    if job["fail"] is not None and job["polls"] >= 2:
        job["status"] = "failed"
        return
    job["downloaded"] = min(job["total_size_bytes"], job["downloaded"] + double.download_step_bytes)
    if job["downloaded"] >= job["total_size_bytes"]:
        job |= {"status": "completed", "completed_at": _iso(_now())}
        double.models.append(downloaded_model(job["model"], job["total_size_bytes"]))


def _status(double: LMStudioDouble, job: dict[str, Any]) -> dict[str, Any]:
    step = double.download_step_bytes
    remaining = job["total_size_bytes"] - job["downloaded"]
    finish = _now() + timedelta(seconds=-(-remaining // step) if step > 0 else 0)
    reply = {"job_id": job["job_id"], "status": job["status"], "bytes_per_second": step}
    reply |= {"estimated_completion": _iso(finish), "total_size_bytes": job["total_size_bytes"]}
    reply |= {"downloaded_bytes": job["downloaded"], "started_at": job["started_at"]}
    if job["status"] == "completed":
        reply["completed_at"] = job["completed_at"]
    if job["status"] == "failed":
        reply["error_message"] = job["fail"]
    return reply


def downloaded_model(key: str, size: int) -> dict[str, Any]:
    """The /api/v1/models entry a finished download adds."""
    publisher, _, name = key.rpartition("/")
    return {
        "type": "llm",
        "publisher": publisher or "lmstudio-community",
        "key": key,
        "display_name": name.replace("-", " ").title(),
        "architecture": "granite",
        "quantization": {"name": "Q4_K_M"},
        "size_bytes": size,
        "max_context_length": 131072,
        "format": "gguf",
        "loaded_instances": [],
        "capabilities": {"vision": False, "trained_for_tool_use": True},
    }


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
