"""The import contracts bite: lint-imports, run on a scratch copy of the tree with one offending
import added, reports the contract broken."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def scratch_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "src", tmp_path / "src")
    shutil.copytree(ROOT / "tests" / "lint", tmp_path / "tests" / "lint")
    (tmp_path / "tests" / "__init__.py").touch()
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{tree / 'src'}{os.pathsep}{tree}"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_tree_as_it_is_keeps_every_contract(tmp_path: Path) -> None:
    result = lint(scratch_copy(tmp_path))
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("domain/catalog.py", "import anyio", "shim.domain.catalog -> anyio"),
        ("domain/catalog.py", "import shim.api.errors", "shim.domain.catalog -> shim.api"),
        ("api/errors.py", "import uvicorn", "shim.api.errors -> uvicorn"),
        ("api/errors.py", "import aiohttp", "shim.api.errors -> aiohttp"),
        ("adapters/idle_watch.py", "import httpx", "shim.adapters.idle_watch -> httpx"),
        ("adapters/idle_watch.py", "import litestar", "shim.adapters.idle_watch -> litestar"),
        ("api/errors.py", "import shim.adapters.upstream_http", "shim.api.errors -> shim.adapters"),
        ("helpers.py", "import json", "shim.helpers"),
        (
            "api/openai/errors.py",
            "import shim.api.ollama.wire",
            "shim.api.openai is not allowed to import shim.api.ollama",
        ),
        (
            "api/responses/errors.py",
            "import shim.api.openai.errors",
            "shim.api.responses is not allowed to import shim.api.openai",
        ),
        (
            "api/anthropic/errors.py",
            "import shim.api.openai.wire",
            "shim.api.anthropic is not allowed to import shim.api.openai",
        ),
    ],
    ids=[
        "domain-anyio",
        "domain-api",
        "api-uvicorn",
        "api-aiohttp",
        "adapters-httpx",
        "adapters-litestar",
        "api-adapters",
        "module-outside-layers",
        "dialect-dialect",
        "responses-openai",
        "anthropic-openai",
    ],
)
def test_an_offending_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    tree = scratch_copy(tmp_path)
    target = tree / "src" / "shim" / module
    existing = target.read_text() if target.exists() else '"""Scratch."""\n'
    target.write_text(f"{existing}\n{line}\n")
    result = lint(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert broken in result.stdout
