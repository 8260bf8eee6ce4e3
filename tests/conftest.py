"""Shared fixtures: an LM Studio double on loopback, shim servers on demand, captured logs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import redis

from shim.main.config import Settings
from shim.main.logging_setup import configure_logging
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.log_capture import LogCapture
from tests.support.raw_server import StartScripted, scripted_servers
from tests.support.redis_server import running_redis
from tests.support.servers import free_port, serve, serve_shim

StartShim = Callable[..., str]


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session", autouse=True)
def log_capture() -> LogCapture:
    capture = LogCapture()
    configure_logging("debug", "json", stream=capture)  # type: ignore[arg-type]
    return capture


@pytest.fixture(scope="session")
def lmstudio_server() -> Iterator[LMStudioDouble]:
    double = LMStudioDouble()
    with serve(double) as url:
        double.url = url
        yield double


@pytest.fixture
def lmstudio(lmstudio_server: LMStudioDouble) -> LMStudioDouble:
    lmstudio_server.reset()
    return lmstudio_server


@pytest.fixture(scope="session")
def second_lmstudio_server() -> Iterator[LMStudioDouble]:
    double = LMStudioDouble()
    with serve(double) as url:
        double.url = url
        yield double


@pytest.fixture
def second_lmstudio(second_lmstudio_server: LMStudioDouble) -> LMStudioDouble:
    """Another LM Studio host, for a backend of two."""
    second_lmstudio_server.reset()
    return second_lmstudio_server


@pytest.fixture
def start_shim(lmstudio: LMStudioDouble, tmp_path: Path) -> Iterator[StartShim]:
    """Start a shim against the double with Settings overrides; each is stopped after the test."""
    with ExitStack() as stack:

        def start(**overrides: Any) -> str:
            defaults = {
                "lmstudio_url": lmstudio.url,
                "port": free_port(),
                "state_dir": str(tmp_path / "state"),
                "download_poll_seconds": 0.01,
            }
            settings = Settings(**{**defaults, **overrides})
            return stack.enter_context(serve_shim(settings))

        yield start


@pytest.fixture
def shim(start_shim: StartShim) -> str:
    return start_shim()


@pytest.fixture(scope="module")
def module_shim(lmstudio_server: LMStudioDouble) -> Iterator[str]:
    """One default shim for a whole module (each start costs ~0.2 s), for modules whose tests
    change no settings; they take it as their `shim`, with the double reset per test."""
    settings = Settings(lmstudio_url=lmstudio_server.url, port=free_port())
    with serve_shim(settings) as url:
        yield url


@pytest.fixture
async def scripted() -> AsyncIterator[StartScripted]:
    """Raw socket servers answering the bytes a test scripts."""
    async with scripted_servers() as start:
        yield start


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The session's Redis, emptied for each test."""
    with redis.Redis.from_url(redis_server) as client:
        client.flushall()
    return redis_server
