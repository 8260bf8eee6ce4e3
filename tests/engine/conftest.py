"""The engine tier: shim in front of a real llama.cpp server running a tiny hand-wired model.

One server serves the whole session. When a package the engine needs (the `xllamacpp`, `gguf`
and `numpy` dev dependencies) cannot be imported, every module here is reported as skipped.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from shim.main.config import Settings
from tests.engine.llama_server import running_llama_server
from tests.support.servers import free_port, serve_shim

ENGINE_PACKAGES = ("xllamacpp", "gguf", "numpy")


def first_missing(packages: tuple[str, ...]) -> str | None:
    for package in packages:
        try:
            importlib.import_module(package)
        except ImportError:
            return package
    return None


MISSING_PACKAGE = first_missing(ENGINE_PACKAGES)


class SkippedForMissingEngine(pytest.Module):
    """Stands in for a test module, which may itself import the missing package."""

    def collect(self) -> list[pytest.Item]:
        pytest.skip(
            f"engine tier skipped: {MISSING_PACKAGE} cannot be imported "
            "(install the dev dependencies)"
        )


def pytest_pycollect_makemodule(
    module_path: Path, parent: pytest.Collector
) -> pytest.Module | None:
    if MISSING_PACKAGE is None:
        return None
    return SkippedForMissingEngine.from_parent(parent, path=module_path)


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of llama.cpp's server, serving the tiny model as MODEL_NAME."""
    # Imported here, not at the top, so a missing `gguf` skips the tier instead of breaking it.
    from tests.engine.tiny_model import MODEL_NAME, write_tiny_model

    model = tmp_path_factory.mktemp("engine") / "tiny.gguf"
    write_tiny_model(model)
    with running_llama_server(model, free_port(), MODEL_NAME) as url:
        yield url


@pytest.fixture(scope="session")
def shim_on_engine(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a shim whose LM Studio is the llama.cpp server."""
    settings = Settings(
        lmstudio_url=engine,
        port=free_port(),
        state_dir=str(tmp_path_factory.mktemp("shim-state")),
    )
    with serve_shim(settings) as url:
        yield url
