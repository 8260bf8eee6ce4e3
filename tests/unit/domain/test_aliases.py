from datetime import UTC, datetime

import pytest

from shim.adapters.fake.catalog import FakeModelCatalog
from shim.adapters.state.alias_file import MemoryAliasStore
from shim.domain.aliases import AliasingCatalog, combine, merged, with_defaults
from shim.domain.completion import ChatMessage, CompletionRequest, Sampling
from shim.domain.errors import InvalidRequest, ModelNotFound, Unsupported
from shim.domain.model_admin import ModelAdmin
from shim.domain.models import ModelDefaults
from shim.domain.ports import Alias
from shim.domain.selector import CatalogModelSelector

pytestmark = pytest.mark.anyio

WHEN = datetime(2026, 5, 1, tzinfo=UTC)
USER = ChatMessage(role="user", content="hi")


def admin_setup() -> tuple[ModelAdmin, MemoryAliasStore, list[str]]:
    store = MemoryAliasStore()
    catalog = AliasingCatalog(FakeModelCatalog(), store)
    changes: list[str] = []
    admin = ModelAdmin(
        CatalogModelSelector(catalog), store, lambda: changes.append("x"), clock=lambda: WHEN
    )
    return admin, store, changes


def test_request_settings_win_over_defaults() -> None:
    base = Sampling(temperature=0.9, top_k=20, stop=("A",))
    assert merged(base, Sampling(temperature=0.1)) == Sampling(
        temperature=0.1, top_k=20, stop=("A",)
    )
    assert merged(base, Sampling(stop=("B",))).stop == ("B",)


def test_defaults_add_a_system_prompt_only_when_the_request_has_none() -> None:
    defaults = ModelDefaults(system="be brief", context_length=4096)
    request = CompletionRequest(model="m", messages=(USER,))
    applied = with_defaults(request, defaults)
    assert applied.messages[0] == ChatMessage(role="system", content="be brief")
    assert applied.context_length == 4096
    own = CompletionRequest(model="m", messages=(ChatMessage(role="system", content="mine"), USER))
    assert with_defaults(own, defaults).messages == own.messages
    assert with_defaults(request, None) is request


def test_an_alias_of_an_alias_keeps_and_overrides() -> None:
    first = ModelDefaults(system="one", sampling=Sampling(temperature=0.5), context_length=2048)
    second = ModelDefaults(sampling=Sampling(top_p=0.8), template="T")
    assert combine(first, second) == ModelDefaults(
        system="one",
        sampling=Sampling(temperature=0.5, top_p=0.8),
        context_length=2048,
        template="T",
    )


async def test_aliases_list_after_the_backend_models_and_point_at_them() -> None:
    store = MemoryAliasStore()
    store.aliases = [
        Alias(name="quick", target="fake/thinker-8b", created_at=WHEN),
        Alias(name="orphan", target="gone/model", created_at=WHEN),
    ]
    models = await AliasingCatalog(FakeModelCatalog(), store).list_models()
    quick = models[-1]
    assert [m.key for m in models][-2:] == ["fake/embedder", "quick"]
    assert (quick.alias_of, quick.upstream_key, quick.modified_at) == (
        "fake/thinker-8b",
        "fake/thinker-8b",
        WHEN,
    )
    assert quick.tool_use, "capabilities come from the target"


async def test_copy_create_and_delete() -> None:
    admin, store, changes = admin_setup()
    await admin.copy("fake/thinker-8b:latest", "mine:latest")
    await admin.create("pirate", "mine", ModelDefaults(system="arr"))
    assert [(a.name, a.target, a.defaults.system) for a in store.aliases] == [
        ("mine", "fake/thinker-8b", None),
        ("pirate", "fake/thinker-8b", "arr"),
    ]
    await admin.delete("MINE:latest")
    assert [a.name for a in store.aliases] == ["pirate"]
    assert len(changes) == 3


async def test_copy_over_an_alias_replaces_it() -> None:
    admin, store, _ = admin_setup()
    await admin.copy("fake/thinker-8b", "x")
    await admin.copy("fake/embedder", "X")
    assert [(a.name, a.target) for a in store.aliases] == [("X", "fake/embedder")]


async def test_admin_refusals() -> None:
    admin, _, _ = admin_setup()
    with pytest.raises(ModelNotFound):
        await admin.copy("nothing", "y")
    with pytest.raises(InvalidRequest, match="invalid"):
        await admin.copy("fake/embedder", "has space")
    with pytest.raises(InvalidRequest, match="LM Studio has a model by that name"):
        await admin.copy("fake/embedder", "fake/thinker-8b")
    with pytest.raises(Unsupported, match="delete"):
        await admin.delete("fake/thinker-8b")
    with pytest.raises(ModelNotFound):
        await admin.delete("never-was")
