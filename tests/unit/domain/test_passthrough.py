"""The relay's model rewrite: only the model changes, and a body it cannot read is refused."""

import msgspec
import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.domain.admission import AdmissionGate
from shim.domain.errors import InvalidRequest
from shim.domain.models import ModelRecord
from shim.domain.passthrough import PassthroughService
from shim.domain.selector import CatalogModelSelector

pytestmark = pytest.mark.anyio


def service() -> PassthroughService:
    selector = CatalogModelSelector(FakeModelCatalog((ModelRecord(key="qwen/qwen3-8b"),)), None)
    return PassthroughService(selector, None, AdmissionGate(1, 0))  # type: ignore[arg-type]


async def test_only_the_model_is_rewritten() -> None:
    body = b'{"model":"qwen/qwen3-8b:latest","messages":[{"content":"a\\u00e9"}]}'
    rewritten = msgspec.json.decode(await service().rewrite_model(body))
    assert rewritten == {"model": "qwen/qwen3-8b", "messages": [{"content": "a\u00e9"}]}


@pytest.mark.parametrize("body", [b'{"model":"\xff\xfe"}', b'{"model":"ok', b'{"model":1,}'])
async def test_an_unreadable_body_is_invalid(body: bytes) -> None:
    with pytest.raises(InvalidRequest, match="invalid JSON body"):
        await service().rewrite_model(body)
