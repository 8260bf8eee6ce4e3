"""A bare ASGI hello-world on uvicorn: `GET /api/tags` answered with a fixed small JSON body.

`python bench/hello.py PORT`. The most requests per second this stack serves; shim's
`/api/tags` is measured against it.
"""

from __future__ import annotations

from typing import Any

import msgspec

from bench.bare_server import run_bare

TAGS = msgspec.json.encode(
    {
        "models": [
            {
                "name": "bench/model:latest",
                "model": "bench/model:latest",
                "modified_at": "2025-01-01T00:00:00Z",
                "size": 4000000000,
                "digest": "0" * 64,
                "details": {
                    "parent_model": "",
                    "format": "gguf",
                    "family": "qwen3",
                    "families": ["qwen3"],
                    "parameter_size": "8B",
                    "quantization_level": "Q4_K_M",
                },
            }
        ]
    }
)
HEADERS = [
    (b"content-type", b"application/json; charset=utf-8"),
    (b"content-length", str(len(TAGS)).encode()),
]
NOT_FOUND = [(b"content-type", b"text/plain"), (b"content-length", b"9")]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    if scope["path"] == "/api/tags":
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        await send({"type": "http.response.body", "body": TAGS})
        return
    await send({"type": "http.response.start", "status": 404, "headers": NOT_FOUND})
    await send({"type": "http.response.body", "body": b"not found"})


if __name__ == "__main__":
    run_bare(app)
