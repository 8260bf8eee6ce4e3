import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.domain.errors import ModelNotFound
from shim.domain.models import ModelRecord
from shim.domain.selector import CatalogModelSelector

pytestmark = pytest.mark.anyio

MODELS = (
    ModelRecord(key="qwen/qwen3-8b"),
    ModelRecord(key="google/gemma-4-26b-a4b@q4_k_m"),
    ModelRecord(key="text-embedding-nomic-embed-text-v1.5", kind="embedding"),
)


def selector(aliases: dict[str, str] | None = None) -> CatalogModelSelector:
    return CatalogModelSelector(FakeModelCatalog(MODELS), aliases)


@pytest.mark.parametrize(
    "name",
    [
        "qwen/qwen3-8b",
        "qwen/qwen3-8b:latest",
        "Qwen/Qwen3-8B",
        "QWEN/qwen3-8b:LATEST",
        " qwen/qwen3-8b ",
    ],
)
async def test_resolves_key_and_ollama_name_in_any_case(name: str) -> None:
    assert (await selector().resolve(name)).key == "qwen/qwen3-8b"


@pytest.mark.parametrize(
    "name",
    [
        "google/gemma-4-26b-a4b:q4_k_m",
        "google/gemma-4-26b-a4b@q4_k_m",
        "Google/Gemma-4-26B-A4B:Q4_K_M",
    ],
)
async def test_resolves_variants_by_tag_or_at_sign(name: str) -> None:
    assert (await selector().resolve(name)).key == "google/gemma-4-26b-a4b@q4_k_m"


@pytest.mark.parametrize("name", ["coder", "coder:latest", "CODER"])
async def test_resolves_aliases_with_or_without_tag(name: str) -> None:
    assert (await selector({"coder": "qwen/qwen3-8b:latest"}).resolve(name)).key == "qwen/qwen3-8b"


async def test_alias_may_point_at_another_alias() -> None:
    found = await selector({"fast": "coder", "coder": "qwen/qwen3-8b"}).resolve("fast")
    assert found.key == "qwen/qwen3-8b"


async def test_real_model_wins_over_alias_of_same_name() -> None:
    found = await selector({"qwen/qwen3-8b": "text-embedding-nomic-embed-text-v1.5"}).resolve(
        "qwen/qwen3-8b"
    )
    assert found.key == "qwen/qwen3-8b"


async def test_alias_cycle_ends_in_not_found() -> None:
    with pytest.raises(ModelNotFound):
        await selector({"a": "b", "b": "a"}).resolve("a")


@pytest.mark.parametrize("name", ["qwen/qwen3-8b:q8_0", "qwen", "", "qwen3-8b"])
async def test_unknown_names_report_what_was_sent(name: str) -> None:
    with pytest.raises(ModelNotFound) as raised:
        await selector().resolve(name)
    assert raised.value.message == f"model '{name}' not found"


async def test_first_listed_model_wins_a_case_clash() -> None:
    catalog = FakeModelCatalog(
        (ModelRecord(key="Model", display_name="first"), ModelRecord(key="model"))
    )
    assert (await CatalogModelSelector(catalog).resolve("MODEL")).display_name == "first"


async def test_sees_models_added_to_the_catalog() -> None:
    catalog = FakeModelCatalog(MODELS)
    chooser = CatalogModelSelector(catalog)
    await chooser.resolve("qwen/qwen3-8b")
    catalog.models = (*MODELS, ModelRecord(key="new/model"))
    assert (await chooser.resolve("new/model")).key == "new/model"
