"""The official `ollama` npm client (tests/js) drives shim: one `node --test` run per scenario."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import StartShim
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script, error_event, tool_call_script

JS_DIR = Path(__file__).resolve().parents[1] / "js"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed; the JS client tests need it"),
    pytest.mark.skipif(
        not (JS_DIR / "node_modules" / "ollama").is_dir(),
        reason="tests/js/node_modules is missing; run `npm ci --prefix tests/js` first",
    ),
]

SCRIPTS = {
    "default": None,
    "tools": tool_call_script([("1", "get_weather", '{"city":"Paris"}')]),
    "stream-error": [*content_script(["partial"])[:2], error_event("boom")],
}


@pytest.mark.timeout(90)  # above node's own 60 s limit, so a hang reports node's output
@pytest.mark.parametrize("scenario", list(SCRIPTS))
def test_official_js_client(lmstudio: LMStudioDouble, start_shim: StartShim, scenario: str) -> None:
    script = SCRIPTS[scenario]
    if script is not None:
        lmstudio.chat_script = script
    url = start_shim()
    env = {**os.environ, "SHIM_URL": url, "SCENARIO": scenario, "NO_COLOR": "1"}
    try:
        result = subprocess.run(
            [str(NODE), "--test", "--test-reporter=spec", "ollama-client.test.mjs"],
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
