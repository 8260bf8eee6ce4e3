"""The Vercel AI SDK with ollama-ai-provider-v2 (tests/js/ai-sdk.test.mjs) drives shim."""

import pytest

from tests.conftest import StartShim
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.node_tests import node_skips, run_node_tests
from tests.support.sse_scripts import content_script, tool_call_script

pytestmark = [pytest.mark.clients, *node_skips("ollama-ai-provider-v2")]

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
    if script is not None:
        # Each test of a scenario asks once: give every one the same script.
        lmstudio.chat_script = script
    run_node_tests("ai-sdk.test.mjs", url, scenario)
