"""The live tier: the client suite against a real LM Studio named by SHIM_LIVE_LMSTUDIO_URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shim.main.config import Settings
from tests.support.servers import free_port, serve_shim

LIVE_URL = os.environ.get("SHIM_LIVE_LMSTUDIO_URL", "")
LIVE_TOKEN = os.environ.get("SHIM_LIVE_LMSTUDIO_API_TOKEN") or None

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def live_shim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not LIVE_URL:
        pytest.skip(
            "set SHIM_LIVE_LMSTUDIO_URL (e.g. http://localhost:1234) to test a real LM Studio"
        )
    state: Path = tmp_path_factory.mktemp("live-state")
    settings = Settings(
        lmstudio_url=LIVE_URL.rstrip("/"),
        lmstudio_api_token=LIVE_TOKEN,
        port=free_port(),
        state_dir=str(state),
    )
    with serve_shim(settings) as url:
        yield url


@pytest.fixture(scope="module")
def live_models(live_shim: str) -> list[dict[str, object]]:
    models: list[dict[str, object]] = httpx.get(live_shim + "/api/tags", timeout=30).json()[
        "models"
    ]
    return models


def first_with(models: list[dict[str, object]], capability: str) -> str:
    for model in models:
        if capability in (model.get("capabilities") or []):  # type: ignore[operator]
            return str(model["model"])
    pytest.skip(f"this LM Studio has no model with the {capability!r} capability")
