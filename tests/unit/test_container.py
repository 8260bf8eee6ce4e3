"""Choices the container makes from Settings."""

from pathlib import Path

from shim.adapters.state.alias_file import AliasFile
from shim.config import Settings
from shim.container import alias_revision


def test_only_workers_check_the_alias_file_before_using_a_cached_list(tmp_path: Path) -> None:
    store = AliasFile(tmp_path / "aliases.json")
    (tmp_path / "aliases.json").write_text("[]")
    assert alias_revision(store, Settings(workers=2))() is not None
    assert alias_revision(store, Settings())() is None, "a lone process knows its own changes"
