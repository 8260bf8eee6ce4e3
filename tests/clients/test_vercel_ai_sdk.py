"""The Vercel AI SDK with ollama-ai-provider-v2 (tests/js/ai-sdk.test.mjs) drives shim."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import StartShim
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import content_script, tool_call_script

JS_DIR = Path(__file__).resolve().parents[1] / "js"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.clients,
    pytest.mark.skipif(NODE is None, reason="node is not installed; the JS client tests need it"),
    pytest.mark.skipif(
        not (JS_DIR / "node_modules" / "ollama-ai-provider-v2").is_dir(),
        reason="tests/js/node_modules is missing; run `npm ci --prefix tests/js` first",
    ),
]

SCRIPTS = {
    "text": None,
    "tools": tool_call_script(
        [("1", "getWeather", '{"city": "Paris"}'), ("2", "getWeather", '{"city": "Tokyo"}')]
    ),
    "object": content_script(['{"city": ', '"Paris"}']),
}


@pytest.mark.timeout(90)  # above node's own 60 s limit, so a hang reports node's output
@pytest.mark.parametrize("scenario", list(SCRIPTS))
def test_vercel_ai_sdk(lmstudio: LMStudioDouble, start_shim: StartShim, scenario: str) -> None:
    script = SCRIPTS[scenario]
    lmstudio.embedding_tokens_counted = False  # as real LM Studio: 0 prompt tokens
    url = start_shim()
    env = {**os.environ, "SHIM_URL": url, "SCENARIO": scenario, "NO_COLOR": "1"}
    if script is not None:
        # Each test of a scenario asks once: give every one the same script.
        lmstudio.chat_script = script
    try:
        result = subprocess.run(
            [str(NODE), "--test", "--test-reporter=spec", "ai-sdk.test.mjs"],
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
