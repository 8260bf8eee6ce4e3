from collections.abc import AsyncGenerator

import pytest

from shim.domain.errors import InvalidRequest
from shim.domain.ports import ModelDownloader, PullProgress
from shim.domain.pull import PullService

pytestmark = pytest.mark.anyio


class Recorder(ModelDownloader):
    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []

    async def download(self, model: str, variant: str | None) -> AsyncGenerator[PullProgress, None]:
        self.asked.append((model, variant))
        yield PullProgress(state="downloading", total=2, completed=1)
        yield PullProgress(state="completed", total=2, completed=2)


@pytest.mark.parametrize(
    ("name", "asked"),
    [
        ("ibm/granite-4-micro", ("ibm/granite-4-micro", None)),
        ("ibm/granite-4-micro:latest", ("ibm/granite-4-micro", None)),
        ("qwen3-8b:q4_k_m", ("qwen3-8b", "q4_k_m")),
    ],
)
async def test_names_become_a_model_and_a_variant(name: str, asked: tuple[str, str | None]) -> None:
    recorder = Recorder()
    changed: list[int] = []
    steps = [p async for p in await PullService(recorder, lambda: changed.append(1)).open(name)]
    assert recorder.asked == [asked]
    assert [s.state for s in steps] == ["downloading", "completed"]
    assert changed == [1], "the catalog refreshes once the download is done"


@pytest.mark.parametrize("name", ["", "bad name", "x:"])
async def test_invalid_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidRequest, match="invalid model name"):
        await PullService(Recorder(), lambda: None).open(name)
