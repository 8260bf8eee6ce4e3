"""The README's examples work as written against the fake backend: each `curl` line is run."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.shim_process import ShimProcess, running_shim

README = Path(__file__).parents[2] / "README.md"
README_ADDRESS = "http://127.0.0.1:11434"
CURL_LINES = [
    line.strip()
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(), re.DOTALL)
    for line in block.splitlines()
    if line.strip().startswith("curl ")
]


@pytest.fixture(scope="module")
def fake_shim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShimProcess]:
    log = tmp_path_factory.mktemp("readme") / "log"
    with running_shim(log, {"SHIM_BACKEND": "fake"}) as shim:
        yield shim


def test_the_readme_has_examples() -> None:
    assert len(CURL_LINES) >= 3


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
@pytest.mark.parametrize("line", CURL_LINES)
def test_each_example_answers_200_with_json(fake_shim: ShimProcess, line: str) -> None:
    words = shlex.split(line.replace(README_ADDRESS, fake_shim.url))
    done = subprocess.run(
        [*words, "--silent", "--show-error", "--write-out", "\n%{http_code}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    body, _, status = done.stdout.rpartition("\n")
    assert status == "200", body
    assert "error" not in json.loads(body)
