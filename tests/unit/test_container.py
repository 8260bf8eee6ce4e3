"""Choices the container makes from Settings."""

from pathlib import Path

from shim.adapters.state.alias_file import AliasFile
from shim.adapters.state.model_locks import FileModelLocks
from shim.config import Settings
from shim.container import alias_revision, model_locks_for
from shim.domain.model_locks import ProcessModelLocks


def test_only_workers_check_the_alias_file_before_using_a_cached_list(tmp_path: Path) -> None:
    store = AliasFile(tmp_path / "aliases.json")
    (tmp_path / "aliases.json").write_text("[]")
    assert alias_revision(store, Settings(workers=2))() is not None
    assert alias_revision(store, Settings())() is None, "a lone process knows its own changes"


def test_workers_share_their_model_locks_through_the_state_directory(tmp_path: Path) -> None:
    shared = model_locks_for(Settings(workers=2, state_dir=str(tmp_path)))
    assert isinstance(shared, FileModelLocks)
    assert isinstance(model_locks_for(Settings(state_dir=str(tmp_path))), ProcessModelLocks)
