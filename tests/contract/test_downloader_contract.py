"""One behavioural suite for every ModelDownloader: the fake, and LM Studio's against the double."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.fake.downloader import FakeDownloader
from shim.adapters.hosts.catalog import UnionCatalog
from shim.adapters.hosts.lifecycle import RoutedDownloader
from shim.adapters.lmstudio.catalog import LMStudioModelCatalog
from shim.adapters.lmstudio.downloader import LMStudioDownloader
from shim.domain.errors import UpstreamRejected
from shim.domain.ports import ModelCatalog, ModelDownloader, PullProgress
from tests.support.double_hosts import host_pool
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.upstream import upstream_for

pytestmark = pytest.mark.anyio


@dataclass
class Backend:
    downloader: ModelDownloader
    catalog: ModelCatalog
    downloadable: str
    """A model the backend's library offers and does not hold yet."""

    async def keys(self) -> list[str]:
        return [model.key for model in await self.catalog.list_models()]

    async def pull(self, model: str) -> list[PullProgress]:
        return [progress async for progress in self.downloader.download(model, None)]


@pytest.fixture(params=["fake", "lmstudio", "two-hosts"])
async def backend(
    request: pytest.FixtureRequest, lmstudio: LMStudioDouble, second_lmstudio: LMStudioDouble
) -> AsyncIterator[Backend]:
    if request.param == "fake":
        catalog = FakeModelCatalog()
        yield Backend(FakeDownloader(catalog), catalog, "fake/granite-micro")
        return
    if request.param == "two-hosts":
        async with host_pool(lmstudio.url, second_lmstudio.url) as pool:
            yield Backend(RoutedDownloader(pool), UnionCatalog(pool), "ibm/granite-4-micro")
        return
    async with upstream_for(lmstudio.url) as client:
        downloader = LMStudioDownloader(client, poll_seconds=0)
        yield Backend(downloader, LMStudioModelCatalog(client), "ibm/granite-4-micro")


async def test_a_download_reports_progress_and_ends_completed(backend: Backend) -> None:
    progress = await backend.pull(backend.downloadable)
    *running, last = progress
    assert last.state == "completed"
    assert last.total is not None
    assert last.total > 0
    assert last.completed == last.total
    assert running, "a download that takes time says how far it got"
    assert all(step.state == "downloading" for step in running)
    done = [step.completed or 0 for step in running]
    assert done == sorted(done), "progress never goes backwards"
    assert all(step.total == last.total for step in running)
    assert all(0 <= count < last.total for count in done)


async def test_a_downloaded_model_joins_the_catalog(backend: Backend) -> None:
    assert backend.downloadable not in await backend.keys()
    await backend.pull(backend.downloadable)
    assert backend.downloadable in await backend.keys()


async def test_a_model_already_present_reports_present_only(backend: Backend) -> None:
    present = (await backend.keys())[0]
    assert await backend.pull(present) == [PullProgress(state="present")]


async def test_downloading_again_reports_present(backend: Backend) -> None:
    await backend.pull(backend.downloadable)
    assert await backend.pull(backend.downloadable) == [PullProgress(state="present")]


async def test_a_model_no_library_offers_is_refused_as_not_found(backend: Backend) -> None:
    before = await backend.keys()
    with pytest.raises(UpstreamRejected) as refused:
        await backend.pull("nobody/no-such-model")
    assert refused.value.status == 404
    assert "no-such-model" in refused.value.message
    assert await backend.keys() == before
