"""`node --test` over one of tests/js's files, against a running shim, one scenario a run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

JS_DIR = Path(__file__).resolve().parents[1] / "js"
NODE = shutil.which("node")


def node_skips(package: str) -> list[pytest.MarkDecorator]:
    """Skip without node, or without the npm package installed in tests/js."""
    return [
        pytest.mark.skipif(
            NODE is None, reason="node is not installed; the JS client tests need it"
        ),
        pytest.mark.skipif(
            not (JS_DIR / "node_modules" / package).is_dir(),
            reason="tests/js/node_modules is missing; run `npm ci --prefix tests/js` first",
        ),
    ]


def run_node_tests(test_file: str, shim_url: str, scenario: str) -> str:
    """The spec reporter's output; fails the test when node fails, hangs or runs no test."""
    env = {**os.environ, "SHIM_URL": shim_url, "SCENARIO": scenario, "NO_COLOR": "1"}
    try:
        result = subprocess.run(
            [str(NODE), "--test", "--test-reporter=spec", test_file],
            cwd=JS_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired as hung:
        pytest.fail(f"node --test hung for SCENARIO={scenario}\n{hung.stdout!r}\n{hung.stderr!r}")
    assert result.returncode == 0, (
        f"node --test failed for SCENARIO={scenario} (exit {result.returncode})\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    assert re.search(r"\bpass [1-9]", result.stdout), "no test ran for this scenario"
    return result.stdout
