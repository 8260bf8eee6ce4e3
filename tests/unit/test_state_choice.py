"""Where the state lives, as Settings choose it."""

from pathlib import Path

from shim.adapters.state.change_file import ChangeFile
from shim.adapters.state.model_locks import FileModelLocks
from shim.domain.catalog import UnsharedChanges
from shim.domain.model_locks import ProcessModelLocks
from shim.main.config import Settings
from shim.main.state import model_changes_for, model_locks_for


def test_only_workers_share_word_of_model_changes(tmp_path: Path) -> None:
    assert isinstance(model_changes_for(Settings(workers=2, state_dir=str(tmp_path))), ChangeFile)
    lone = model_changes_for(Settings(state_dir=str(tmp_path)))
    assert isinstance(lone, UnsharedChanges), "a lone process hears of its own changes"


def test_workers_share_their_model_locks_through_the_state_directory(tmp_path: Path) -> None:
    shared = model_locks_for(Settings(workers=2, state_dir=str(tmp_path)))
    assert isinstance(shared, FileModelLocks)
    assert isinstance(model_locks_for(Settings(state_dir=str(tmp_path))), ProcessModelLocks)
