"""Where the state lives, as Settings choose it."""

import subprocess
import sys
from pathlib import Path

from dependency_injector import providers

from shim.adapters.state.alias_file import MemoryAliasStore
from shim.adapters.state.change_file import ChangeFile
from shim.adapters.state.model_locks import FileModelLocks
from shim.adapters.state.redis_aliases import RedisAliasStore
from shim.adapters.state.redis_changes import RedisModelChanges
from shim.adapters.state.redis_locks import RedisModelLocks
from shim.domain.catalog import UnsharedChanges
from shim.domain.model_locks import ProcessModelLocks
from shim.main.config import Settings
from shim.main.state import model_changes_for, model_locks_for, state_container


def test_only_workers_share_word_of_model_changes(tmp_path: Path) -> None:
    assert isinstance(model_changes_for(Settings(workers=2, state_dir=str(tmp_path))), ChangeFile)
    lone = model_changes_for(Settings(state_dir=str(tmp_path)))
    assert isinstance(lone, UnsharedChanges), "a lone process hears of its own changes"


def test_workers_share_their_model_locks_through_the_state_directory(tmp_path: Path) -> None:
    shared = model_locks_for(Settings(workers=2, state_dir=str(tmp_path)))
    assert isinstance(shared, FileModelLocks)
    assert isinstance(model_locks_for(Settings(state_dir=str(tmp_path))), ProcessModelLocks)


def test_redis_state_is_chosen_by_setting(tmp_path: Path) -> None:
    aliases = providers.Object(MemoryAliasStore())
    files = state_container(Settings(state_dir=str(tmp_path), workers=2), aliases)
    assert files.alias_store() is aliases(), "files: the backend's own alias store"
    assert isinstance(files.model_changes(), ChangeFile)
    redis = Settings(state_backend="redis", redis_url="redis://127.0.0.1:6379/0")
    shared = state_container(redis, aliases)
    assert shared.alias_store.cls is RedisAliasStore
    assert shared.model_changes.cls is RedisModelChanges
    assert shared.model_locks.cls is RedisModelLocks


def test_a_shim_on_files_never_imports_redis() -> None:
    """redis-py takes most of a second to import; only shims that use it pay for it."""
    probe = "import sys, shim.main.app, shim.main.container; print('redis' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "False"
